from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """Site-wide wiring: home page, health check, content-language template tags, demo data."""

    name = "config"
    verbose_name = _("Site")
