from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Every app's `reminders` module registers its rules (see notifications.registry), in INSTALLED_APPS order.
        autodiscover_modules("reminders")
        # The last sweep and the outbox on /metrics (config.metrics).
        from config import metrics as portal_metrics

        from . import metrics

        portal_metrics.register(metrics.collect)
        # A notice is its recipient's own: their bell and notices render afresh (config.personalcache).
        from config.personalcache import watch_personal

        from .models import Notification

        watch_personal(Notification, lambda notice: notice.recipient_id)
