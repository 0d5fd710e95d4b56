import datetime

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken
from tests.factories import StaffFactory


@pytest.fixture
def issue(db):
    """Issue a token as an office staff member: issue(scopes=[...], **changes) -> (token, secret)."""

    def issue_token(scopes=tuple(ApiToken.Scope.values), expires_in=datetime.timedelta(days=30), name="SIS"):
        return services.issue_token(
            name=name, scopes=list(scopes), expires_at=timezone.now() + expires_in, created_by=StaffFactory()
        )

    return issue_token


@pytest.fixture
def bearer():
    def header(secret):
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return header
