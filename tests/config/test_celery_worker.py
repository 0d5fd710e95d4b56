import re

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from tests.helpers import skip_or_fail, wait_for_mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_sign_up_email_is_sent_by_a_real_worker_through_redis(client, settings):
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the worker test needs a real Redis broker.")

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        client.post(
            "/ru/accounts/signup/",
            {
                "full_name": "Нургуль Ахметова",
                "email": "nurgul@kopir.example",
                "role": "student",
                "password1": "Shymkent-Urumqi-2026",
                "password2": "Shymkent-Urumqi-2026",
            },
        )
        outbox = wait_for_mail(1)

    assert len(outbox) == 1
    assert outbox[0].to == ["nurgul@kopir.example"]
    assert "Подтвердите" in outbox[0].subject or "адрес" in outbox[0].subject
    assert re.search(r"/ru/accounts/confirm-email/", outbox[0].body)
