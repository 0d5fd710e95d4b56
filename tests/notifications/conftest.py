import pytest

from notifications.services import sweep_reminders
from tests.factories import StaffFactory, UserFactory
from tests.notifications.helpers import TODAY


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
