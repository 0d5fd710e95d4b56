from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("programs/", views.program_list, name="program_list"),
]
