from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        # Registers the token authentication with drf-spectacular, so the schema describes it.
        from . import schema  # noqa: F401
