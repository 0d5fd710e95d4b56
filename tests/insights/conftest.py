import pytest

from tests.factories import StaffFactory


@pytest.fixture
def office_client(client, settings):
    """A signed-in office member (no second factor asked in these tests)."""
    settings.STAFF_MFA_REQUIRED = False
    user = StaffFactory(language="en")
    client.force_login(user)
    client.user = user
    return client
