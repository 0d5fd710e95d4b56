"""One run at a time of a periodic task, however many beats and workers run: a lock in the shared cache (Redis)."""

import logging
import uuid
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)


@contextmanager
def single_run(name: str, *, timeout: int):
    """Yield True to the one caller that holds the lock `name`, False to every other caller while it is held.

    Taken atomically in Redis (SET NX) by every process that shares it; released by its holder when done, or by
    Redis after `timeout` seconds if the holder died (make it the task's time limit). During a Redis outage the
    cache answers from each process's memory, so the lock holds within a process only (docs/storage.md)."""
    key = f"lock:{name}"
    token = uuid.uuid4().hex
    held = cache.add(key, token, timeout)
    if not held:
        logger.info("%s is already running elsewhere: this run is skipped", name)
    try:
        yield held
    finally:
        if held and cache.get(key) == token:
            cache.delete(key)
