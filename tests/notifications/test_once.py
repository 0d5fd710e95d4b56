"""A notice asked for twice with the same key is sent once: on the suite's database and on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from notifications.models import Notification
from notifications.services import notify
from tests.factories import StaffFactory
from visits.models import TypoReport

pytestmark = pytest.mark.django_db

# Set by the SQLite run below to the database it must find itself on.
EXPECTED_VENDOR = "KOPIR_TEST_EXPECTED_VENDOR"


def test_a_notice_asked_for_twice_with_the_same_key_is_sent_once(django_capture_on_commit_callbacks):
    assert connection.vendor == os.environ.get(EXPECTED_VENDOR, connection.vendor)
    office = StaffFactory(email="office@kopir.example")
    report = TypoReport.objects.create(url="/en/", language="en", selection="Partnres")

    with django_capture_on_commit_callbacks(execute=True):
        first = notify(rule="typo_report", obj=report, recipients=[office, office])
    with django_capture_on_commit_callbacks(execute=True):
        second = notify(rule="typo_report", obj=report, recipients=[office])
    with django_capture_on_commit_callbacks(execute=True):
        other_stage = notify(rule="typo_report", obj=report, recipients=[office], stage="again")

    assert (first, second, other_stage) == (1, 0, 1)
    assert Notification.objects.filter(stage="new").count() == 1
    assert [message.to for message in mail.outbox] == [["office@kopir.example"], ["office@kopir.example"]]


def test_the_same_rule_holds_on_sqlite(tmp_path):
    """The suite runs on PostgreSQL in CI; the rule is run again in a child pytest on a SQLite database."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EXPECTED_VENDOR: "sqlite",
    }
    test = (
        f"{Path(__file__).relative_to(settings.BASE_DIR)}::test_a_notice_asked_for_twice_with_the_same_key_is_sent_once"
    )

    child = subprocess.run(
        [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider", "--create-db"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-3000:]
    assert "1 passed" in child.stdout
