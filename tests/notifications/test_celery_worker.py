"""The beat schedule and a real Celery worker on real Redis: a due agreement gives one email, in Chinese."""

import datetime
import time

import pytest
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import Notification
from tests.factories import ActiveAgreementFactory, UserFactory
from tests.helpers import skip_or_fail, wait_for_mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_the_beat_schedule_runs_the_registered_sweep_task_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-reminders"]

    assert entry["task"] == "notifications.sweep_reminders"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] <= 15 * 60


def test_a_due_agreement_gives_one_email_in_the_recipient_s_language_through_beat_and_a_worker(settings):
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the worker test needs a real Redis broker.")
    coordinator = UserFactory(email="zhang@kopir.example", role="faculty", language="zh-hans")
    agreement = ActiveAgreementFactory(
        valid_until=timezone.localdate() + datetime.timedelta(days=7),
        coordinator=coordinator,
        title_zh_hans="与新疆大学的合作协议",
    )
    beat = Scheduler(app=celery_app, lazy=True)
    beat.update_from_dict(celery_app.conf.beat_schedule)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        beat.apply_async(beat.schedule["sweep-reminders"])  # as beat sends it, through Redis
        outbox = wait_for_mail(1)
        beat.apply_async(beat.schedule["sweep-reminders"])  # the next run finds nothing new
        time.sleep(2)

    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["zhang@kopir.example"]
    assert message.extra_headers["Content-Language"] == "zh-hans"
    assert "与新疆大学的合作协议" in message.subject
    assert f"/zh-hans/admin/partnerships/agreement/{agreement.pk}/change/" in message.body
    assert Notification.objects.get().email_status == Notification.EmailStatus.SENT
    assert len(mail.outbox) == 1
