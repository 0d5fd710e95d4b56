from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = _("Mobility")

    def ready(self):
        # Registered after modeltranslation, so the history keeps every language (see partnerships.apps).
        from simple_history import register

        from . import models

        register(models.ExchangeCall, app=__package__)
