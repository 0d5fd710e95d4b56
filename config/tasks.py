from celery import shared_task

from . import files


@shared_task(name="config.remove_orphan_files")
def remove_orphan_files():
    """Delete private files no record points to (see files.remove_orphan_files); safe to run twice."""
    return len(files.remove_orphan_files())
