from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
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
