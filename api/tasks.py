from celery import shared_task

from . import services


@shared_task(name="api.purge_token_uses")
def purge_token_uses():
    """Daily: drop token uses older than the log keeps (idempotent; a missed day is caught up by the next)."""
    return services.purge_token_uses()
