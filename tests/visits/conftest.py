import pytest

from tests.factories import StaffFactory


@pytest.fixture
def office(client, settings):
    """A client signed in as office staff (without the two-factor step, which has its own tests)."""
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client
