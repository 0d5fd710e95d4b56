from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("partners/map/", views.partner_map, name="partner_map"),
]
