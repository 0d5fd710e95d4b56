import datetime

import pytest
from django.utils import timezone

from api import services as api_services
from partnerships import demo as partnerships_demo
from partnerships.models import Agreement
from tests.factories import StaffFactory


@pytest.fixture
def mou(office):
    """The demo's memorandum with Xinjiang University (xju.edu.cn): studies and staff teaching both ways."""
    partnerships_demo.seed()
    partnerships_demo.seed_xinjiang(coordinator=office)
    return Agreement.objects.get(reference_number="MoU-XJU-2025")


@pytest.fixture
def xju_demo(db, office):
    """The demo's home university (with its units and factsheet) and Xinjiang University with its memorandum."""
    partnerships_demo.seed(by=office)
    partnerships_demo.seed_xinjiang(coordinator=office)
    return Agreement.objects.get(reference_number="MoU-XJU-2025")


@pytest.fixture
def issue(db):
    """Issue a token as an office staff member: issue(scopes=[...]) -> (token, secret)."""

    def issue_token(scopes):
        return api_services.issue_token(
            name="Partner's system",
            scopes=list(scopes),
            expires_at=timezone.now() + datetime.timedelta(days=30),
            created_by=StaffFactory(),
        )

    return issue_token


@pytest.fixture
def bearer():
    def header(secret):
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return header
