from allauth.urls import build_provider_urlpatterns
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from . import metrics, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Prometheus's scrape, for the addresses and token the settings name only (docs/deploy.md, "Metrics").
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/v1/ewp/", include("ewp.urls")),
    path("api/", include("api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # Uploaded public images, with DEBUG on or off (README, "Deploying").
    re_path(r"^media/(?P<path>.*)$", views.public_media, name="public_media"),
    # Identity providers call back to one registered address, whatever the reader's language (README).
    path("accounts/", include(build_provider_urlpatterns())),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    # Staff sign in through allauth, which asks for the second factor; the admin's own form would not.
    path("admin/login/", views.admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    # Before the directory, whose partner pages would take "map" for a partner's address.
    path("", include("insights.urls")),
    path("", include("partnerships.urls")),
    path("visits/", include("visits.urls")),
    path("mobility/", include("mobility.urls")),
    path("notifications/", include("notifications.urls")),
)

# JSON under /api/, the portal's page elsewhere.
handler404 = "api.views.page_not_found"
# 400, 500 and 503 (the database out of reach) read neither the database nor the session.
handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"
