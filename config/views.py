import sys

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from kombu import Connection

from config.cache import is_degraded


def whole_number(text, largest=2**63 - 1):
    """A query parameter as a positive whole number, or None for anything else (never a server error)."""
    return int(text) if text.isascii() and text.isdecimal() and 0 < int(text) <= largest else None


def query_without_page(request):
    """The list's current filters as a query string, for the pagination links to carry along."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


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
