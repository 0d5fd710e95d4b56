"""`/metrics` in Prometheus's text format (docs/deploy.md, "Metrics").

Requests are counted by prometheus_client in each process; under gunicorn, PROMETHEUS_MULTIPROC_DIR makes every
worker write its figures to that folder and a scrape adds them up (its multiprocess mode). Task counts are kept
in the cache (Redis), which every worker on every machine shares; the apps' own figures (the reminder sweep, the
email outbox) are read from the database and the cache at scrape time by the readers they register here.
"""

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter("kopir_http_requests", "Requests answered, by status class.", ["status"])
REQUEST_SECONDS = Histogram(
    "kopir_http_request_duration_seconds",
    "Time to answer a request, by status class.",
    ["status"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

TASK_STATES = ("SUCCESS", "FAILURE", "RETRY")
_TASK_KEY = "metrics:task:{name}:{state}"

# Readers of the apps' figures: each returns Prometheus metric families, read at scrape time.
_readers: list[Callable[[], Iterable[Metric]]] = []


def register(reader: Callable[[], Iterable[Metric]]) -> None:
    """Add an app's figures to /metrics (an app calls this from its AppConfig.ready)."""
    if reader not in _readers:
        _readers.append(reader)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def observe_request(*, status: int, seconds: float) -> None:
    label = status_class(status)
    REQUESTS.labels(status=label).inc()
    REQUEST_SECONDS.labels(status=label).observe(seconds)


def count_task(*, name: str, state: str) -> None:
    """One more task of this name ended in this state, in the cache every worker shares."""
    if state not in TASK_STATES:
        return
    key = _TASK_KEY.format(name=name, state=state)
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=None)


def _task_names() -> list[str]:
    from celery import current_app

    return sorted(name for name in current_app.tasks if not name.startswith("celery."))


class _FiguresCollector:
    """Task counts and the apps' figures, read when the scrape asks."""

    def describe(self):
        return []  # so that registering it reads nothing: the figures are read once, by the scrape

    def collect(self):
        names = _task_names()
        keys = {(name, state): _TASK_KEY.format(name=name, state=state) for name in names for state in TASK_STATES}
        counts = cache.get_many(list(keys.values()))
        tasks = CounterMetricFamily(
            "kopir_celery_tasks", "Celery tasks ended, by task and state (kept in the cache).", labels=["task", "state"]
        )
        for (name, state), key in keys.items():
            tasks.add_metric([name, state], counts.get(key, 0))
        yield tasks
        for reader in _readers:
            yield from reader()


def _client_address(request) -> str:
    """The address that asks: behind TRUSTED_PROXY_COUNT proxies, the one the last of them saw."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def may_read_metrics(request) -> bool:
    """Whether a scrape comes from METRICS_ALLOWED_IPS or carries METRICS_TOKEN; with neither set, nobody may."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_ALLOWED_IPS)


def request_registry() -> CollectorRegistry:
    """This process's request figures, or every gunicorn worker's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry(auto_describe=True)
        registry.register(REQUESTS)
        registry.register(REQUEST_SECONDS)
    return registry


def scrape_registry() -> CollectorRegistry:
    """The request figures with the figures every process shares (tasks, the apps' readers)."""
    registry = request_registry()
    registry.register(_FiguresCollector())
    return registry


def metrics_view(request):
    """The figures in Prometheus's text format; a 404 for anyone the settings do not name."""
    if not may_read_metrics(request):
        raise Http404
    response = HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
