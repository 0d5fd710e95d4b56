from celery import shared_task
from django.conf import settings

from . import files
from .locks import single_run


@shared_task(name="config.remove_orphan_files")
def remove_orphan_files():
    """Delete private files no record points to (see files.remove_orphan_files); safe to run twice, and skipped
    while another run is under way."""
    with single_run("config.remove_orphan_files", timeout=settings.CELERY_TASK_TIME_LIMIT) as alone:
        return len(files.remove_orphan_files()) if alone else 0


@shared_task(
    name="config.run_export",
    soft_time_limit=settings.EXPORT_TIME_LIMIT,
    time_limit=settings.EXPORT_TIME_LIMIT + 60,
)
def run_export(job_id: int) -> None:
    """Write one export and keep its file for its requester; a second copy of the task does nothing."""
    from . import exports  # exports imports this module to enqueue tasks

    exports.run_export(job_id=job_id)


@shared_task(name="config.sweep_exports")
def sweep_exports() -> int:
    """Hand over again the exports the broker refused (Celery beat, every minute); skipped while another runs."""
    from . import exports

    with single_run("config.sweep_exports", timeout=settings.CELERY_TASK_TIME_LIMIT) as alone:
        return exports.sweep_exports() if alone else 0


@shared_task(name="config.expire_exports")
def expire_exports() -> dict[str, int]:
    """Delete the exported files kept past EXPORT_KEEP_DAYS, and the rows of exports that failed or expired more
    than EXPORT_KEEP_DAYS ago (Celery beat, every hour); safe to run twice."""
    from . import exports

    return {"expired": exports.expire_exports(), "purged": exports.purge_exports()}
