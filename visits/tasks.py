from celery import shared_task

from . import services


@shared_task(name="visits.notify_typo_report")
def notify_typo_report(report_id: int) -> None:
    """Tell the office about a typo report (reports now notify as they are stored; this drains older queues)."""
    services.notify_typo_report(report_id)
