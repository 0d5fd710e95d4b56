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
