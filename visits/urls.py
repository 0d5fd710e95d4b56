from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="visit_list"),
    path("calendar.ics", views.public_calendar, name="public_calendar"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/renew/", views.renew_calendar, name="renew_calendar"),
    path("calendar/<str:token>.ics", views.private_calendar, name="private_calendar"),
    path("documents/<int:pk>/", views.visit_document, name="document"),
    path("typo/", views.report_typo, name="report_typo"),
    path("<slug:slug>/", views.article_detail, name="article"),
]
