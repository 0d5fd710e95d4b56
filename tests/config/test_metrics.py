import subprocess
import sys
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from notifications import tasks
from notifications.models import Email
from tests.factories import StaffFactory
from tests.helpers import BASE_DIR, skip_or_fail

pytestmark = pytest.mark.django_db


def samples(response):
    """{(name, labels as a sorted tuple): value} of a Prometheus text answer."""
    text = response.content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def scraper(settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]


def test_metrics_are_refused_to_everyone_when_no_address_or_token_is_set(client):
    assert client.get("/metrics").status_code == 404
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get("/metrics").status_code == 404


def test_metrics_open_to_an_allowed_address_in_prometheus_format(client, scraper):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"


def test_metrics_refuse_an_address_outside_the_allowed_networks(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 404


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    assert client.get("/metrics", headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 200
    # The proxy itself (127.0.0.1) relays a reader from outside: refused, whatever the reader claims before it.
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.7"}).status_code == 404


def test_metrics_open_with_the_bearer_token_only(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"

    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics").status_code == 404


def test_requests_are_counted_and_timed_by_status_class(client, scraper):
    before = samples(client.get("/metrics"))
    client.get("/en/")
    client.get("/en/no-such-page/")

    after = samples(client.get("/metrics"))

    def grew(name, status):
        key = (name, (("status", status),))
        return after[key] - before.get(key, 0)

    assert grew("kopir_http_requests_total", "2xx") == 2  # the home page and the first scrape
    assert grew("kopir_http_requests_total", "4xx") == 1
    assert grew("kopir_http_request_duration_seconds_count", "4xx") == 1
    assert after[("kopir_http_request_duration_seconds_bucket", (("le", "+Inf"), ("status", "2xx")))] >= 2


def test_tasks_are_counted_by_name_and_state(client, scraper):
    tasks.sweep_outbox.delay()
    tasks.sweep_outbox.delay()

    figures = samples(client.get("/metrics"))

    assert figures[("kopir_celery_tasks_total", (("state", "SUCCESS"), ("task", "notifications.sweep_outbox")))] == 2
    assert figures[("kopir_celery_tasks_total", (("state", "FAILURE"), ("task", "notifications.sweep_outbox")))] == 0


def test_the_last_reminder_sweep_is_shown_with_its_time_duration_and_counts(client, scraper, sweep):
    assert ("kopir_reminder_sweep_last_run_timestamp_seconds", ()) not in samples(client.get("/metrics"))

    sweep()

    figures = samples(client.get("/metrics"))
    assert figures[("kopir_reminder_sweep_last_run_timestamp_seconds", ())] == pytest.approx(
        timezone.now().timestamp(), abs=60
    )
    assert figures[("kopir_reminder_sweep_last_duration_seconds", ())] >= 0
    assert figures[("kopir_reminder_sweep_last_notices", ())] == 0
    assert figures[("kopir_reminder_sweep_last_emails", ())] == 0


def test_the_outbox_shows_waiting_and_failed_emails_and_the_oldest_waiting(client, scraper):
    now = timezone.now()
    Email.objects.create(subject="a", message={}, created_at=now - timedelta(minutes=30))
    Email.objects.create(subject="b", message={}, created_at=now - timedelta(minutes=5))
    Email.objects.create(subject="c", message={}, status=Email.Status.FAILED)
    Email.objects.create(subject="d", message={}, status=Email.Status.SENT, created_at=now - timedelta(days=9))

    figures = samples(client.get("/metrics"))

    assert figures[("kopir_outbox_waiting", (("outbox", "emails"),))] == 2
    assert figures[("kopir_outbox_failed", (("outbox", "emails"),))] == 1
    assert figures[("kopir_outbox_oldest_waiting_age_seconds", (("outbox", "emails"),))] == pytest.approx(1800, abs=60)
    assert figures[("kopir_outbox_waiting", (("outbox", "notices"),))] == 0
    assert figures[("kopir_outbox_oldest_waiting_age_seconds", (("outbox", "notices"),))] == 0


def test_a_scrape_costs_a_constant_number_of_queries(client, scraper, django_assert_max_num_queries):
    Email.objects.create(subject="a", message={})

    with django_assert_max_num_queries(2):
        client.get("/metrics")


COUNT_REQUESTS = (
    "import django; django.setup(); from config import metrics; "
    "[metrics.observe_request(status=200, seconds=0.01) for _ in range({n})]"
)
SCRAPE = (
    "import django; django.setup(); from config import metrics; "
    "from prometheus_client import generate_latest; print(generate_latest(metrics.request_registry()).decode())"
)


def test_requests_counted_by_several_processes_add_up_in_multiprocess_mode(tmp_path):
    """As gunicorn's workers do: each process writes to PROMETHEUS_MULTIPROC_DIR, any one of them reads the sum."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "SECRET_KEY": "insecure-key-for-tests-only",
        "PATH": "/usr/bin:/bin",
    }

    def run(code):
        return subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=True
        ).stdout

    run(COUNT_REQUESTS.format(n=3))
    run(COUNT_REQUESTS.format(n=4))
    text = run(SCRAPE)

    figures = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }
    assert figures[("kopir_http_requests_total", (("status", "2xx"),))] == 7
    assert figures[("kopir_http_request_duration_seconds_count", (("status", "2xx"),))] == 7


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_tasks_a_real_worker_runs_are_counted_in_redis_for_every_web_process(client, scraper, settings):
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the worker test needs a real Redis broker.")
    key = ("kopir_celery_tasks_total", (("state", "SUCCESS"), ("task", "notifications.sweep_outbox")))

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        tasks.sweep_outbox.delay()
        deadline = time.monotonic() + 20
        while samples(client.get("/metrics"))[key] < 1 and time.monotonic() < deadline:
            time.sleep(0.2)

    assert samples(client.get("/metrics"))[key] == 1
