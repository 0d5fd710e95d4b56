"""The portal's cache: Redis, and this process's memory while Redis does not answer.

Sign-in, sign-up, password reset and typo reports count their rate limits in the cache. During a Redis outage
they keep working, counted per process (degraded limits); the outage is logged once when it starts and once
when Redis answers again. Redis is tried again every few seconds, so a stopped Redis costs no request a wait.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 5


class _Outage:
    """Shared by every thread's cache object of this process: whether Redis is down and since when."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = {}  # location → monotonic time before which Redis is not asked again


_outage = _Outage()


def is_degraded(alias: str = "default") -> bool:
    """Whether this cache answers from local memory because Redis does not (False for any other kind of cache)."""
    backend = caches[alias]
    return isinstance(backend, FallbackRedisCache) and backend.location in _outage.down


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis client, made once per server: Django builds a new `redis.Redis` (and its table of a few
    hundred reply handlers) for every cache call, a good share of a page served from the cache."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    """Django's Redis cache that falls back to local memory while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
        self.location = server if isinstance(server, str) else ",".join(server)
        self.local = LocMemCache(f"fallback:{self.location}", params)

    def _call(self, name, *args, **kwargs):
        retry_at = _outage.down.get(self.location)
        if retry_at is None or time.monotonic() >= retry_at:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as error:
                self._went_down(error)
            else:
                if retry_at is not None:
                    self._came_back()
                return result
        return getattr(self.local, name)(*args, **kwargs)

    def _went_down(self, error):
        with _outage.lock:
            first = self.location not in _outage.down
            _outage.down[self.location] = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "The cache (Redis) does not answer (%s: %s): rate limits count in each process's memory until it does",
                type(error).__name__,
                error,
            )

    def _came_back(self):
        with _outage.lock:
            was_down = _outage.down.pop(self.location, None) is not None
        if was_down:
            logger.warning("The cache (Redis) answers again")

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self.local.clear()
        return self._call("clear")
