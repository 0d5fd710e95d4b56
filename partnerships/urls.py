from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner_detail"),
    path("programs/", views.program_list, name="program_list"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("agreements/documents/<int:pk>/", views.agreement_document, name="agreement_document"),
]
