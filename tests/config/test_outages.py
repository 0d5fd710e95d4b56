"""Redis and the broker failing for real (a redis-server of the test's own): people's actions still succeed,
rate limits count in memory, and every email waits in the outbox until a real worker can send it."""

import datetime
import logging
import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from accounts.models import User
from config.celery import app as celery_app
from notifications import services
from notifications.models import Email, Notification
from tests.factories import StaffFactory, UserFactory
from tests.helpers import wait_for_mail
from visits.models import TypoReport

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

SIGN_UP = {
    "full_name": "Нургуль Ахметова",
    "email": "nurgul@kopir.example",
    "role": "student",
    "password1": "Shymkent-Urumqi-2026",
    "password2": "Shymkent-Urumqi-2026",
}
TYPO = {"url": "/ru/partners/", "selection": "Синцзянский", "context": "Синцзянский университет", "comment": ""}


def refuse_writes(redis_server):
    """Redis answers but takes nothing more: a full broker refuses every publish."""
    redis_server.command("CONFIG", "SET", "maxmemory", "1")


def take_writes(redis_server):
    redis_server.command("CONFIG", "SET", "maxmemory", "0")


def test_with_redis_down_people_sign_in_sign_up_reset_and_report_typos(
    client, redis_server, portal_cache, celery_broker, caplog
):
    student = UserFactory(email="aruzhan@kopir.example")
    StaffFactory(email="office@kopir.example")
    portal_cache(redis_server.url)
    celery_broker(redis_server.url)
    redis_server.stop()

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        signed_in = client.post(
            "/en/accounts/login/", {"login": student.email, "password": "correct horse battery staple"}
        )
        client.post("/en/accounts/logout/")
        signed_up = client.post("/ru/accounts/signup/", SIGN_UP)
        reset = client.post("/en/accounts/password/reset/", {"email": student.email})
        typo = client.post("/ru/visits/typo/", TYPO)
        again = client.post("/ru/visits/typo/", TYPO)

    assert signed_in.status_code == 302
    assert signed_up.status_code == 302
    assert User.objects.filter(email="nurgul@kopir.example").exists()
    assert reset.status_code == 302
    assert (typo.status_code, again.status_code) == (201, 201)
    assert TypoReport.objects.count() == 2
    # Both emails (the address to confirm, the reset link) wait in the outbox for the broker.
    waiting = Email.objects.filter(status=Email.Status.PENDING, queued_at__isnull=True)
    assert sorted(email.to[0] for email in waiting) == ["aruzhan@kopir.example", "nurgul@kopir.example"]
    assert Notification.objects.filter(rule="typo_report", email_status=Notification.EmailStatus.PENDING).count() == 2
    assert mail.outbox == []
    outage_logs = [record for record in caplog.records if record.name == "config.cache"]
    assert len(outage_logs) == 1  # the outage is logged once, not at each request
    assert "does not answer" in outage_logs[0].getMessage()


def test_the_rate_limits_still_count_while_redis_is_down(client, redis_server, portal_cache, settings):
    from visits.services import TYPO_REPORTS_PER_HOUR

    portal_cache(redis_server.url)
    redis_server.stop()

    answers = [client.post("/en/visits/typo/", TYPO).status_code for _ in range(TYPO_REPORTS_PER_HOUR + 1)]

    assert answers == [201] * TYPO_REPORTS_PER_HOUR + [429]


def test_healthz_says_when_local_memory_stands_in_for_redis(client, redis_server, portal_cache):
    portal_cache(redis_server.url)
    redis_server.stop()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


def test_a_broker_that_refuses_the_publish_loses_no_email_and_the_sweep_sends_them(
    client, redis_server, celery_broker, settings
):
    StaffFactory(email="office@kopir.example", language="ru")
    celery_broker(redis_server.url)
    refuse_writes(redis_server)

    signed_up = client.post("/ru/accounts/signup/", SIGN_UP)
    typo = client.post("/ru/visits/typo/", TYPO)

    assert signed_up.status_code == 302
    assert typo.status_code == 201
    email = Email.objects.get()
    assert (email.to, email.status, email.queued_at) == (["nurgul@kopir.example"], Email.Status.PENDING, None)
    notice = Notification.objects.get(rule="typo_report")
    assert notice.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []

    take_writes(redis_server)
    # A quarter of an hour later the notice's email counts as lost on its way; the outbox's at once.
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=20))
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        celery_app.send_task(settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]["task"])  # as beat sends it
        outbox = wait_for_mail(2)

    by_recipient = {message.to[0]: message for message in outbox}
    assert set(by_recipient) == {"nurgul@kopir.example", "office@kopir.example"}
    assert re.search(r"/ru/accounts/confirm-email/", by_recipient["nurgul@kopir.example"].body)
    assert "Синцзянский" in by_recipient["office@kopir.example"].body
    email.refresh_from_db()
    notice.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 1)
    assert notice.email_status == Notification.EmailStatus.SENT


def test_the_sweep_hands_over_each_waiting_email_once(redis_server, celery_broker):
    celery_broker(redis_server.url)
    refuse_writes(redis_server)
    mail.send_mail("Köpir: test", "Body", None, ["aruzhan@kopir.example"])
    take_writes(redis_server)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        assert services.sweep_outbox() == 1
        assert services.sweep_outbox() == 0  # handed over: the next sweep leaves it to its task
        outbox = wait_for_mail(1)

    assert [message.subject for message in outbox] == ["Köpir: test"]
    assert Email.objects.get().status == Email.Status.SENT


def test_healthz_fails_when_the_broker_connects_but_refuses_a_publish(client, redis_server, settings):
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    healthy = client.get("/healthz")
    refuse_writes(redis_server)

    refused = client.get("/healthz")

    assert (healthy.status_code, healthy.json()["broker"]) == (200, "ok")
    assert refused.status_code == 503
    assert refused.json()["broker"].startswith("error")
