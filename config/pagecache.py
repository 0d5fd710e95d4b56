"""Anonymous public pages served from the cache, always current.

A page is cached whole, per address (host, path in its language, query) and per *version* of each kind of
content it shows. Each app watches the models its public pages show (`watch`); a save or delete of one of them
bumps its kind's version once the transaction commits, so the next request renders afresh. A kind may also
change by itself at a known time (a call opening or closing, an embargoed article coming out): `watch`'s
`changes_at` gives that time, and no page outlives it.

Never one person's page for another: only anonymous GET requests without pending messages read or fill the
cache; a signed-in reader always gets a freshly rendered page. The stored copy holds a placeholder where the
page's CSRF token was; each reader gets their own token in its place (and their own cookie). While Redis does
not answer, pages render afresh in every process (local memory cannot see another process's bumps).
"""

import hashlib
import math
import re
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, get_language_from_path

from config.cache import is_degraded

# The longest a page stays cached without any change; bumps make it shorter in practice.
PAGE_SECONDS = 10 * 60
SITE = "site"  # the home university (the footer of every page): every cached page depends on it
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,64})"')
PLACEHOLDER = b"\x00csrf-token\x00"
FORMAT = 2  # of a stored page: a new format never reads a page stored in an older one

_watched: dict[type, set[str]] = {}
_changes_at: dict[str, list] = {}
_pending: set[str] = set()
_local: dict[str, tuple] = {}  # current(local=True): {key: (version, value)}


def version_key(kind: str) -> str:
    return f"pagecache:version:{kind}"


def content_changed(*kinds: str) -> None:
    """Bump these kinds' versions now and again once the current transaction commits.

    The bump after the commit is the one that counts: a page rendered between the two still read the old data.
    The first one makes the change show at once to this transaction's own later requests (and costs nothing more
    than a fresh rendering if the transaction rolls back).
    """
    _bump(kinds)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(kinds))


def _bump(kinds):
    # A fresh, never reused value: a version evicted from the cache cannot bring back an old page.
    values = {version_key(kind): time.time_ns() for kind in kinds}
    # The next changes by themselves: of the kinds bumped, and of any other not known yet (after the cache was
    # emptied), so that the pages rarely compute them.
    known = cache.get_many([changes_key(kind) for kind in _changes_at if kind not in kinds])
    timed = [kind for kind in _changes_at if kind in kinds or changes_key(kind) not in known]
    values |= {changes_key(kind): _next_change(kind) for kind in timed}
    cache.set_many(values, timeout=None)
    if is_degraded():
        # Redis missed it: bumped again by this process as soon as Redis answers.
        _pending.update(kinds)


def changes_key(kind: str) -> str:
    return f"pagecache:changes:{kind}"


def _next_change(kind):
    """The next time this kind changes by itself, as a timestamp (infinity if it will not)."""
    now = timezone.now()
    moments = [changes_at(now) for changes_at in _changes_at[kind]]
    return min((moment.timestamp() for moment in moments if moment is not None), default=math.inf)


def watch(kind: str, *models, changes_at=None) -> None:
    """Saves and deletes of `models` (and changes of their many-to-many links) change `kind`.

    `changes_at`, if given, returns the next time at which this kind's public content changes without a save.
    """
    for model in models:
        _watched.setdefault(model, set()).add(kind)
        for field in model._meta.local_many_to_many:
            _watched.setdefault(field.remote_field.through, set()).add(kind)
    if changes_at is not None:
        _changes_at.setdefault(kind, []).append(changes_at)


def kind_of(*models) -> str | None:
    """A kind whose version changes with every save, delete and change of links of each of these models, if any."""
    shared = set.intersection(*(_watched.get(model, set()) for model in models))
    return min(shared) if shared else None


def kinds() -> set[str]:
    """Every kind of content some app watches."""
    return {SITE, *(kind for watched in _watched.values() for kind in watched)}


def _changed(sender, **kwargs):
    kinds = _watched.get(sender)
    if kinds and not kwargs.get("raw"):
        content_changed(*kinds)


def _links_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        _changed(sender)


post_save.connect(_changed, dispatch_uid="pagecache-save")
post_delete.connect(_changed, dispatch_uid="pagecache-delete")
m2m_changed.connect(_links_changed, dispatch_uid="pagecache-links")


def current(kind: str, name: str, load, *, local=False):
    """`load()`'s value, kept in the cache while `kind` does not change: one read of the cache instead of the
    queries behind it, on every page, signed in or not (loaded afresh while Redis does not answer).

    `local`: also kept in this process while `kind` does not change, so that a large value costs a read of the
    version only, not its transfer from Redis on every page."""
    version, key = version_key(kind), f"pagecache:value:{FORMAT}:{name}"
    held = _local.get(key) if local else None
    found = cache.get_many([version] if held else [version, key])
    if version not in found or is_degraded():
        return load()
    if held and held[0] == found[version]:
        return held[1]
    stored = found.get(key) if not held else cache.get(key)
    if stored is None or stored[0] != found[version]:
        # read after the version: a change saved meanwhile bumps it again, so this is not kept long
        stored = (found[version], load())
        cache.set(key, stored, timeout=PAGE_SECONDS)
    if local:
        _local[key] = stored
    return stored[1]


def _flush_pending():
    """Bumps Redis missed while it did not answer, made as soon as it does."""
    if _pending and not is_degraded():
        pending = set(_pending)
        _pending.difference_update(pending)
        _bump(pending)


def _read(request, kinds):
    """The page stored for this address, the kinds' versions, and until when (a timestamp) a page of them may be
    served without one changing: one read of the cache (the next change by itself is computed when a kind is
    bumped, and again once passed)."""
    _flush_pending()
    page = _page_key(request, get_language())
    timed = [kind for kind in kinds if kind in _changes_at]
    versions = [version_key(kind) for kind in kinds]
    found = cache.get_many([page, *versions, *(changes_key(kind) for kind in timed)])
    now = timezone.now().timestamp()
    fresh = {key: time.time_ns() for key in versions if key not in found}
    fresh |= {changes_key(kind): _next_change(kind) for kind in timed if found.get(changes_key(kind), 0) <= now}
    if fresh:
        cache.set_many(fresh, timeout=None)
        found |= fresh
    until = min([now + PAGE_SECONDS] + [found[changes_key(kind)] for kind in timed])
    return page, found.get(page), ".".join(str(found[key]) for key in versions), until


def _page_key(request, language):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:page:{FORMAT}:{language}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _cacheable_request(request):
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not len(get_messages(request))  # a notice to show (e.g. "signed out") is that reader's
    )


def _storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not (hasattr(request, "session") and request.session.modified)
        and not len(get_messages(request))
    )


def _personal(response):
    """What every reader of a cache-served page needs: it is personal (a CSRF token) and differs signed in."""
    patch_vary_headers(response, ("Cookie",))
    patch_cache_control(response, private=True)
    return response


def _fresh(stored, versions):
    """Whether this stored page is of these very versions and within its time (on the portal's clock too)."""
    return stored is not None and stored["versions"] == versions and timezone.now().timestamp() < stored["until"]


def _served(request, stored, csrf=None):
    """The stored page for this reader, with their own CSRF token in it (and, from `CachedPageMiddleware`, their
    CSRF cookie if they had none)."""
    content = stored["content"]
    if stored["token"]:
        if csrf is not None:
            csrf.process_request(request)  # the reader's CSRF cookie, read as CsrfViewMiddleware reads it
        content = content.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in stored["headers"].items():
        response[name] = value
    if csrf is not None:
        response["Content-Length"] = str(len(content))
        csrf.process_response(request, response)  # a new reader's CSRF cookie, as CsrfViewMiddleware sets it
    return _personal(response)


def cached_page(*kinds: str):
    """Serve this view's page to anonymous readers from the cache, current with the given kinds of content.

    The page is stored by `CachedPageMiddleware` once the whole middleware has answered (so with every header it
    added), and served by it to the next anonymous readers before the rest of the middleware runs.
    """
    kinds = (SITE, *kinds)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key, stored, versions, until = _read(request, kinds)
            if is_degraded():
                return _personal(view(request, *args, **kwargs))
            if _fresh(stored, versions):  # a reader the middleware let through (e.g. an expired session's cookie)
                return _served(request, stored)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if _storable(request, response):
                seconds = int(until - timezone.now().timestamp())
                if seconds > 0:  # a page that changes within the second is not stored
                    response.pagecache = {
                        "key": key,
                        "seconds": seconds,
                        "entry": _stored(response) | {"kinds": kinds, "versions": versions, "until": until},
                    }
                _personal(response)
            return response

        return wrapper

    return decorator


def _stored(response):
    content = response.content
    tokens = set(TOKEN.findall(content))
    for token in tokens:
        content = content.replace(token, PLACEHOLDER)
    return {"content": content, "token": bool(tokens)}


class CachedPageMiddleware:
    """Answers an anonymous GET of a cached page before the session, the language, CSRF and the signed-in user are
    looked at, with one read of the cache; stores the pages `cached_page` views render.

    Placed before SessionMiddleware. Only a request without a session cookie and without a notice (the messages
    cookie) for a path in a language is answered here: a signed-in reader always has a session cookie, so never
    receives a stored page. Every other request, and any page not stored or not current, goes on as usual.
    """

    # Headers of the rendered page that are not every reader's: the length is the reader's (their own token).
    NOT_STORED = {"content-length"}

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        response = self._from_cache(request)
        if response is not None:
            return response
        response = self.get_response(request)
        pagecache = getattr(response, "pagecache", None)
        if pagecache is not None and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}:
            headers = {name: value for name, value in response.items() if name.lower() not in self.NOT_STORED}
            cache.set(pagecache["key"], pagecache["entry"] | {"headers": headers}, timeout=pagecache["seconds"])
        return response

    def _from_cache(self, request):
        cookies = request.COOKIES
        if request.method != "GET" or settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None
        language = get_language_from_path(request.path_info)
        if language is None or is_degraded():
            return None
        try:
            key = _page_key(request, language)
        except DisallowedHost:
            return None  # refused further on, as any request for a host not allowed
        _flush_pending()
        every = sorted(kinds())
        found = cache.get_many([key, *(version_key(kind) for kind in every)])
        stored = found.get(key)
        if stored is None or is_degraded():
            return None
        versions = [found.get(version_key(kind)) for kind in stored["kinds"]]
        if None in versions or not _fresh(stored, ".".join(str(version) for version in versions)):
            return None
        return _served(request, stored, self.csrf)
