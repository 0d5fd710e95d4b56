"""The reminder sweep's and the email outbox's figures on /metrics (config.metrics), read at scrape time."""

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from .models import Email, Notification

SWEEP_KEY = "metrics:reminder-sweep"


def record_sweep(result, *, started_at, seconds: float) -> None:
    """Keep the last sweep's time, duration and counts in the cache every web process and worker shares."""
    cache.set(
        SWEEP_KEY,
        {"at": started_at.timestamp(), "seconds": seconds, "notices": result.claimed, "emails": result.emails},
        timeout=None,
    )


def _outbox(model, status_field: str, pending: str, failed: str, created_field: str = "created_at") -> dict:
    """Waiting and failed counts and the oldest waiting row's time, in one query."""
    return model.objects.filter(**{f"{status_field}__in": [pending, failed]}).aggregate(
        waiting=Count("pk", filter=Q(**{status_field: pending})),
        failed=Count("pk", filter=Q(**{status_field: failed})),
        oldest=Min(created_field, filter=Q(**{status_field: pending})),
    )


def collect():
    """The last reminder sweep and the outbox of emails and notices (two queries and one cache read)."""
    sweep = cache.get(SWEEP_KEY)
    families = {
        "at": GaugeMetricFamily("kopir_reminder_sweep_last_run_timestamp_seconds", "When the last sweep started."),
        "seconds": GaugeMetricFamily("kopir_reminder_sweep_last_duration_seconds", "How long the last sweep took."),
        "notices": GaugeMetricFamily("kopir_reminder_sweep_last_notices", "Notices the last sweep sent."),
        "emails": GaugeMetricFamily("kopir_reminder_sweep_last_emails", "Emails the last sweep queued."),
    }
    for key, family in families.items():
        if sweep is not None:
            family.add_metric([], sweep[key])
        yield family

    waiting = GaugeMetricFamily("kopir_outbox_waiting", "Emails waiting to be sent.", labels=["outbox"])
    failed = GaugeMetricFamily("kopir_outbox_failed", "Emails whose last attempt failed.", labels=["outbox"])
    oldest = GaugeMetricFamily(
        "kopir_outbox_oldest_waiting_age_seconds", "Age of the oldest email still waiting (0: none).", labels=["outbox"]
    )
    now = timezone.now()
    outboxes = {
        "emails": _outbox(Email, "status", Email.Status.PENDING, Email.Status.FAILED),
        "notices": _outbox(
            Notification, "email_status", Notification.EmailStatus.PENDING, Notification.EmailStatus.FAILED
        ),
    }
    for name, figures in outboxes.items():
        waiting.add_metric([name], figures["waiting"])
        failed.add_metric([name], figures["failed"])
        oldest.add_metric([name], (now - figures["oldest"]).total_seconds() if figures["oldest"] else 0)
    yield from (waiting, failed, oldest)
