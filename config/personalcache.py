"""Signed-in pages served from the cache, always current, only ever to the session that rendered them.

A signed-in page (my applications, the notices, a review) is stored per session and address, with the versions
of the kinds of content it shows (config.pagecache, and SIGNED_IN for what only signed-in pages show) and of its
reader: `user:<id>`, bumped once the transaction
commits by any change of what is that person's own (their account, their notices: `watch_personal`, and the bulk
writes that call `person_changed`). The next request after a change renders afresh.

The stored copy is served only to the session whose key is part of its address and only to the same user; the
rest of the middleware runs as for any page (session, sign-in, CSRF, headers), and the reader's own CSRF token
takes the place of the stored one. A request with a notice to show, any other method than GET, or a page that
set a cookie or changed the session is never stored. While Redis does not answer, pages render afresh.
"""

import hashlib
import time
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

from config import pagecache
from config.cache import is_degraded

FORMAT = 1  # of a stored page: a new format never reads a page stored in an older one
# What signed-in pages show beyond the public kinds: applications and their reviews, accounts, typo reports.
# Every personal page depends on it; each app adds its models (`pagecache.watch(SIGNED_IN, ...)`).
SIGNED_IN = "signed_in"

_people: dict[type, object] = {}


def person_kind(user_id) -> str:
    return f"user:{user_id}"


def person_changed(*user_ids) -> None:
    """What these people see as their own changed: their cached pages render afresh once this commits."""
    if user_ids:
        pagecache.content_changed(*(person_kind(user_id) for user_id in set(user_ids)))


def watch_personal(model, person) -> None:
    """Saves and deletes of `model` change what the person `person(instance)` (a user's id) sees as their own."""
    _people[model] = person


def _changed(sender, instance, **kwargs):
    person = _people.get(sender)
    if person is not None and not kwargs.get("raw"):
        person_changed(person(instance))


post_save.connect(_changed, dispatch_uid="personalcache-save")
post_delete.connect(_changed, dispatch_uid="personalcache-delete")


def personal_value(user_id, name: str, load):
    """`load()`'s value for this person, kept in the cache until what is their own changes: one read of the cache
    instead of the queries behind it (loaded afresh while Redis does not answer)."""
    version, key = pagecache.version_key(person_kind(user_id)), f"personalcache:value:{FORMAT}:{user_id}:{name}"
    found = cache.get_many([version, key])
    if is_degraded():
        return load()
    if version not in found:
        found[version] = time.time_ns()
        cache.set(version, found[version], timeout=None)
    stored = found.get(key)
    if stored is not None and stored[0] == found[version]:
        return stored[1]
    value = load()  # read after the version: a change saved meanwhile bumps it again, so this is not kept long
    cache.set(key, (found[version], value), timeout=pagecache.PAGE_SECONDS)
    return value


def _page_key(request) -> str:
    address = f"{request.session.session_key}|{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"personalcache:page:{FORMAT}:{get_language()}:{hashlib.sha256(address.encode()).hexdigest()}"


def _read(key, kinds):
    """The stored page, the kinds' versions and until when a page of them may be served: one read of the cache."""
    pagecache._flush_pending()
    timed = [kind for kind in kinds if kind in pagecache._changes_at]
    versions = [pagecache.version_key(kind) for kind in kinds]
    found = cache.get_many([key, *versions, *(pagecache.changes_key(kind) for kind in timed)])
    now = timezone.now().timestamp()
    fresh = {version: time.time_ns() for version in versions if version not in found}
    fresh |= {
        pagecache.changes_key(kind): pagecache._next_change(kind)
        for kind in timed
        if found.get(pagecache.changes_key(kind), 0) <= now
    }
    if fresh:
        cache.set_many(fresh, timeout=None)
        found |= fresh
    until = min([now + pagecache.PAGE_SECONDS] + [found[pagecache.changes_key(kind)] for kind in timed])
    return found.get(key), ".".join(str(found[version]) for version in versions), until


def personal_page(*kinds: str):
    """Serve this signed-in view's page from the cache to the same session, current with the given kinds of
    content and with what is the reader's own (their account, their notices)."""
    kinds = (pagecache.SITE, SIGNED_IN, *kinds)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if (
                request.method != "GET"
                or not user.is_authenticated
                or request.session.session_key is None
                or len(get_messages(request))
                or is_degraded()
            ):
                return view(request, *args, **kwargs)
            key = _page_key(request)
            stored, versions, until = _read(key, (*kinds, person_kind(user.pk)))
            if (
                stored is not None
                and stored["user"] == user.pk
                and stored["versions"] == versions
                and timezone.now().timestamp() < stored["until"]
            ):
                return pagecache._served(request, stored)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if pagecache._storable(request, response) and not is_degraded():
                seconds = int(until - timezone.now().timestamp())
                if seconds > 0:
                    headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
                    entry = pagecache._stored(response) | {
                        "user": user.pk,
                        "versions": versions,
                        "until": until,
                        "headers": headers,
                    }
                    cache.set(key, entry, timeout=seconds)
            return pagecache._personal(response)

        return wrapper

    return decorator
