"""Sessions kept in the database and read from Redis: a signed-in request reads its session with one cache read.

The database is the truth; Redis holds a copy of each session for a few minutes. While Redis does not answer,
sessions are read and written in the database only (a process's local memory cannot see a sign-out made in
another process), so people still sign in, stay signed in and sign out. The copies in Redis of the sessions
written or ended meanwhile are dropped by this process as soon as Redis answers again, and no copy outlives
COPY_SECONDS: a session ended during an outage is never read back from an old copy for longer than that.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

from config.cache import is_degraded

# How long a session's copy in Redis is used without reading the database.
COPY_SECONDS = 5 * 60

_stale: set[str] = set()  # copies in Redis of sessions written or ended while it did not answer


class SessionStore(CachedDBStore):
    """Django's cached_db sessions that fall back to the database alone while the cache answers from local memory."""

    cache_key_prefix = "config.sessions:"

    def _redis_answers(self) -> bool:
        if is_degraded(settings.SESSION_CACHE_ALIAS):
            return False
        if _stale:
            stale = set(_stale)
            _stale.difference_update(stale)
            self._cache.delete_many(list(stale))
        return not is_degraded(settings.SESSION_CACHE_ALIAS)

    def _copy_seconds(self, expiry=None) -> int:
        return min(COPY_SECONDS, self.get_expiry_age(expiry=expiry))

    def load(self):
        if not self._redis_answers():
            return DBStore.load(self)
        data = self._cache.get(self.cache_key)
        if data is None:
            session = self._get_session_from_db()
            if session is None:
                return {}
            data = self.decode(session.session_data)
            self._cache.set(self.cache_key, data, self._copy_seconds(session.expire_date))
        return data

    def exists(self, session_key):
        if not self._redis_answers():
            return DBStore.exists(self, session_key)
        return super().exists(session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create=must_create)
        if self._redis_answers():
            self._cache.set(self.cache_key, self._session, self._copy_seconds())
            if not is_degraded(settings.SESSION_CACHE_ALIAS):
                return
        _stale.add(self.cache_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        key = self.cache_key_prefix + session_key
        if self._redis_answers():
            self._cache.delete(key)
            if not is_degraded(settings.SESSION_CACHE_ALIAS):
                return
        _stale.add(key)

    async def aload(self):
        return await sync_to_async(self.load)()

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def asave(self, must_create=False):
        return await sync_to_async(self.save)(must_create=must_create)

    async def adelete(self, session_key=None):
        return await sync_to_async(self.delete)(session_key)
