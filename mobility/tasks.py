from celery import shared_task

from . import notices


@shared_task(name="mobility.notify_application_status")
def notify_application_status(transition_id: int) -> None:
    """Tell the applicant about one status change of their application; a deleted record is skipped."""
    notices.notify_application_status(transition_id)
