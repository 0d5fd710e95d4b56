from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """Site-wide wiring: the home university, shared bases, home page, health check, template tags, demo data."""

    name = "config"
    verbose_name = _("Site")

    def ready(self):
        # Registered after modeltranslation has added the per-language columns, so that the history keeps every
        # language of every field (the same in every app).
        # Imported here: models (simple_history's too) can be loaded only once the app registry is ready.
        from simple_history import register

        from .models import HomeInstitution

        register(HomeInstitution, app=__package__)
