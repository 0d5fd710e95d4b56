from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # The portal's own rules, then every app's `reminders` module (see notifications.registry).
        from . import rules  # noqa: F401 (registers the rules)

        autodiscover_modules("reminders")
