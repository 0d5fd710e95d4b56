from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def floor(request):
    return HttpResponse("ok")


# The portal's own URLs plus the floor: the cheapest view behind the very same middleware.
urlpatterns = [path("bench-floor/", floor), *portal_urlpatterns]
