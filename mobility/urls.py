from django.urls import path

from . import views

app_name = "mobility"
urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("applications/<int:pk>/<slug:step>/", views.application_step, name="application_step"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("review/", views.review_list, name="review_list"),
    path("review/applications/<int:pk>/", views.review_application, name="review_application"),
    path("review/<slug:slug>/", views.review_call, name="review_call"),
    path("review/<slug:slug>/confirm/", views.confirm_selection, name="confirm_selection"),
    path("review/<slug:slug>/close/", views.close_call_early, name="close_call_early"),
    path(
        "review/<slug:slug>/nominees-<int:host>.<str:fmt>",
        views.nominees_export,
        name="nominees_export",
    ),
    path("<slug:slug>/", views.call_detail, name="call_detail"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
]
