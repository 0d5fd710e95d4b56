import sys
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.static import was_modified_since
from kombu import Connection

from config.cache import is_degraded
from config.files import open_public_file
from config.pagecache import cached_page


def _error_page(request, template_name, status):
    """An error page in the reader's language and the site's layout, without the context processors: it reads
    nothing from the database or the session (the database may be the fault), so it shows no account menu."""
    context = {"request": request, "csrf_token": get_token(request)}
    response = HttpResponse(loader.render_to_string(template_name, context), status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception):
    return _error_page(request, "400.html", 400)


def server_error(request):
    """500, or 503 when the fault is the database being out of reach (it comes back by itself: try again)."""
    fault = sys.exc_info()[1]
    if isinstance(fault, OperationalError | InterfaceError):
        response = _error_page(request, "503.html", 503)
        response["Retry-After"] = "60"
        return response
    return _error_page(request, "500.html", 500)


# Uploaded public files are images (logos, visit photos); nothing else in the public storage is served.
PUBLIC_MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def public_media(request, path):
    """An uploaded public image (from MEDIA_ROOT or the public bucket), which browsers and proxies may keep a day.

    Only image types, only regular files inside the public storage (no `..`, no link out of it); anything else is
    a 404.
    """
    content_type = PUBLIC_MEDIA_TYPES.get(Path(path).suffix.lower())
    if content_type is None:
        raise Http404
    try:
        file, modified = open_public_file(path)
    except FileNotFoundError as missing:
        raise Http404 from missing
    modified = modified.timestamp()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        file.close()
        return HttpResponseNotModified()
    response = FileResponse(file, content_type=content_type)
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MEDIA_MAX_AGE}"
    return response


def admin_sign_in(request):
    """The admin's sign-in is the portal's (allauth asks for the second factor). Someone already signed in without
    admin rights is refused here: sent back to the admin, they would go round in a loop."""
    if request.user.is_authenticated and not admin.site.has_permission(request):
        raise PermissionDenied
    query = request.META.get("QUERY_STRING")
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))


@cached_page()
def home(request):
    return render(request, "config/home.html")


def _database_status():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache_status():
    cache.set("healthz", "ok", timeout=10)
    if is_degraded():
        return "error: Redis does not answer, local memory stands in"
    return "ok" if cache.get("healthz") == "ok" else "unreadable"


def _broker_status():
    """A real publish and its read-back: a broker that connects but refuses messages (full, read-only) fails."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not configured"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2, transport_options={"socket_timeout": 2}) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
        queue = broker.SimpleQueue("kopir.healthz", no_ack=True, serializer="json")
        try:
            queue.put({"probe": "healthz"}, retry=False)
            queue.get(block=True, timeout=2)
        finally:
            queue.close()
    return "ok"


@never_cache
def healthz(request):
    """Database, cache and broker as JSON; 200 only when every configured one answers."""
    checks = {}
    for name, probe in (("database", _database_status), ("cache", _cache_status), ("broker", _broker_status)):
        try:
            checks[name] = probe()
        except Exception as error:
            checks[name] = f"error: {type(error).__name__}"
    healthy = all(status in ("ok", "not configured") for status in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
