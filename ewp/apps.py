from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EwpConfig(AppConfig):
    name = "ewp"
    verbose_name = _("Erasmus Without Paper")

    def ready(self):
        # Imported here: the admin's modules load only once the app registry is ready (and partnerships' admin
        # has registered the agreement's page, which this one extends).
        from .agreement_admin import register

        register()
