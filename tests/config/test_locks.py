"""A periodic task runs once at a time however many beats send it: a lock in the shared Redis."""

import datetime
import os

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from config import tasks as config_tasks
from config.files import ORPHAN_GRACE, PrivateStorage
from config.locks import single_run
from notifications import tasks
from notifications.models import Email, Notification
from tests.factories import ActiveAgreementFactory
from tests.helpers import STRICT, manage
from tests.reminders import TODAY, days

pytestmark = pytest.mark.django_db


def test_a_sweep_that_finds_another_under_way_is_skipped_and_the_next_one_runs(office, coordinator):
    ActiveAgreementFactory(valid_until=days(30), coordinator=coordinator)  # due today: two notices

    with time_machine.travel(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC)):
        with single_run("notifications.sweep_reminders", timeout=60) as first:
            assert first
            # A second beat's copy of the task, while the first still sweeps: nothing is claimed.
            assert tasks.sweep_reminders.delay().get() == 0
            assert not Notification.objects.exists()

        assert tasks.sweep_reminders.delay().get() == 2  # the lock is free again: the next run sweeps


def test_the_outbox_and_orphan_sweeps_are_skipped_while_another_runs():
    # An email that never reached the queue (stored without its commit's hand-over) waits in the outbox.
    mail.send_mail("Köpir: waiting", "Body", None, ["aruzhan@kopir.example"])
    orphan = PrivateStorage().save("agreements/lost.pdf", ContentFile(b"%PDF-1.4"))
    moment = (timezone.now() - ORPHAN_GRACE * 2).timestamp()
    os.utime(PrivateStorage().path(orphan), (moment, moment))

    with single_run("notifications.sweep_outbox", timeout=60), single_run("config.remove_orphan_files", timeout=60):
        assert tasks.sweep_outbox.delay().get() == 0
        assert config_tasks.remove_orphan_files.delay().get() == 0
    assert Email.objects.get().status == Email.Status.PENDING
    assert PrivateStorage().exists(orphan)

    assert tasks.sweep_outbox.delay().get() == 1
    assert config_tasks.remove_orphan_files.delay().get() == 1
    assert not PrivateStorage().exists(orphan)


def test_the_lock_holds_across_processes_that_share_redis(settings):
    if not settings.REDIS_URL:
        if STRICT:
            pytest.fail("The lock test needs REDIS_URL")
        pytest.skip("The lock test needs REDIS_URL")
    probe = (
        "from config.locks import single_run\n"
        "with single_run('notifications.sweep_reminders', timeout=60) as held: print('held' if held else 'busy')"
    )

    with single_run("notifications.sweep_reminders", timeout=60):
        assert manage("shell", "--no-imports", "-c", probe).stdout.strip() == "busy"
    assert manage("shell", "--no-imports", "-c", probe).stdout.strip() == "held"
