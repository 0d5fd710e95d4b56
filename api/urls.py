from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import views
from .schema import DESCRIPTION
from .throttling import PublicRateThrottle

# Redoc styles itself with <style> elements it writes at run time and searches in a worker it makes from a blob:
# only its page allows inline styles and blob: workers; scripts stay the portal's own files everywhere.
redoc = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
    SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
)

app_name = "api"
urlpatterns = [
    path("v1/partners/", views.PartnerList.as_view(), name="partner_list"),
    path("v1/partners/<slug:slug>/", views.PartnerDetail.as_view(), name="partner_detail"),
    path("v1/programs/", views.ProgramList.as_view(), name="program_list"),
    path("v1/programs/<slug:slug>/", views.ProgramDetail.as_view(), name="program_detail"),
    path("v1/calls/", views.CallList.as_view(), name="call_list"),
    path("v1/news/", views.NewsList.as_view(), name="news_list"),
    path("v1/news/<slug:slug>/", views.NewsDetail.as_view(), name="news_detail"),
    path("v1/visits/", views.VisitList.as_view(), name="visit_list"),
    path("v1/agreements/", views.AgreementList.as_view(), name="agreement_list"),
    path("v1/agreements/<int:pk>/", views.AgreementDetail.as_view(), name="agreement_detail"),
    path("v1/selections/", views.SelectionList.as_view(), name="selection_list"),
    path("v1/nominations/", views.NominationList.as_view(), name="nomination_list"),
    path("v1/mobilities/", views.MobilityList.as_view(), name="mobility_list"),
    path(
        "schema/",
        views.english(
            SpectacularAPIView.as_view(
                custom_settings={"DESCRIPTION": DESCRIPTION}, throttle_classes=[PublicRateThrottle]
            )
        ),
        name="schema",
    ),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("redoc/", redoc, name="redoc"),
]
