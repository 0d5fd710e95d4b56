import datetime

import pytest

from notifications.models import Notification
from notifications.services import sweep_reminders
from tests.factories import StaffFactory, UserFactory

# A Monday, so that a whole week of digests lies ahead.
TODAY = datetime.date(2026, 3, 2)


def days(n):
    return TODAY + datetime.timedelta(days=n)


def notices(rule):
    """(stage, recipient email) of every notice of a rule; a stage's date ("30@2026-04-01") is left out."""
    rows = Notification.objects.filter(rule=rule).values_list("stage", "recipient__email")
    return {(stage.split("@")[0], email) for stage, email in rows}


def sent(rule):
    """How many notices of a rule went out by email."""
    return Notification.objects.filter(rule=rule, email_status=Notification.EmailStatus.SENT).count()


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run one sweep on a given day and send its emails as if its transaction had committed."""

    def run(today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_reminders(today=today)

    return run


@pytest.fixture
def office():
    return StaffFactory(email="office@kopir.example", language="ru")


@pytest.fixture
def coordinator():
    return UserFactory(email="coordinator@kopir.example", role="faculty", language="kk")
