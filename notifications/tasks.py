from smtplib import SMTPException

from celery import shared_task
from django.conf import settings

from config.locks import single_run

SWEEP_TIME_LIMIT = 16 * 60


# A full sweep over a large database takes longer than the default task limits; each rule commits on its own.
@shared_task(name="notifications.sweep_reminders", soft_time_limit=15 * 60, time_limit=SWEEP_TIME_LIMIT)
def sweep_reminders() -> int:
    """Run one reminder sweep (Celery beat, every few minutes); overlapping or repeated runs send nothing twice, and
    a run that finds another one under way (a second beat) is skipped."""
    from . import services  # services imports this module to enqueue tasks

    with single_run("notifications.sweep_reminders", timeout=SWEEP_TIME_LIMIT) as alone:
        return services.sweep_reminders().claimed if alone else 0


@shared_task(
    name="notifications.send_notification_email",
    bind=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(self, notification_id: int) -> None:
    """Email one notice; mail-server errors are retried with backoff, and the last failure is recorded."""
    from . import services  # services imports this module to enqueue tasks

    services.send_notification_email(
        notification_id=notification_id, final_attempt=self.request.retries >= self.max_retries
    )


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    """Hand the outbox's waiting emails to the queue again (Celery beat, every minute); repeats send nothing twice,
    and a run that finds another one under way is skipped."""
    from . import services  # services imports this module to enqueue tasks

    with single_run("notifications.sweep_outbox", timeout=settings.CELERY_TASK_TIME_LIMIT) as alone:
        return services.sweep_outbox() if alone else 0


@shared_task(
    name="notifications.send_email",
    bind=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(self, email_id: int) -> None:
    """Send one email of the outbox; mail-server errors are retried with backoff, and the last failure is recorded."""
    from . import services  # services imports this module to enqueue tasks

    services.send_email(email_id=email_id, final_attempt=self.request.retries >= self.max_retries)
