from django.urls import path

from . import views

app_name = "ewp"
urlpatterns = [
    path("iias/", views.IiaIndex.as_view(), name="iia_index"),
    path("iias/<str:iia_id>/", views.IiaGet.as_view(), name="iia_get"),
    path("institutions/", views.Institutions.as_view(), name="institutions"),
    path("ounits/", views.OUnits.as_view(), name="ounits"),
    path("factsheet/", views.Factsheet.as_view(), name="factsheet"),
]
