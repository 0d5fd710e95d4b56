"""Last-Modified for answers assembled from many records: the time the answer last changed, as the API saw it."""

import hashlib
import logging
import time

from django.core.cache import cache

from config.cache import is_degraded

logger = logging.getLogger(__name__)
# How long the API remembers an answer's ETag and since when it is unchanged; a forgotten one starts again now.
MEMORY_SECONDS = 30 * 24 * 60 * 60


def unchanged_since(key: str, etag: str, now=None) -> int | None:
    """The Unix time since which the answer at `key` (language and address) has had this ETag, or None.

    A new ETag starts the time again, so If-Modified-Since never gets a 304 for a changed answer. None (no
    Last-Modified; If-None-Match still works) when the cache does not answer.
    """
    now = int(now if now is not None else time.time())
    cache_key = "api:since:" + hashlib.sha256(key.encode()).hexdigest()
    try:
        remembered = cache.get(cache_key)
        if remembered and remembered[0] == etag:
            return remembered[1]
        cache.set(cache_key, (etag, now), timeout=MEMORY_SECONDS)
        if is_degraded():
            return None  # one process's memory would tell each reader a different time
    except Exception:
        # A stopped Redis costs the Last-Modified header, never the answer.
        logger.warning("API Last-Modified skipped: the cache does not answer", exc_info=True)
        return None
    return now
