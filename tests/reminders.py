"""What the reminder tests of every app share: the day they run on and how they read the notices (their fixtures
`sweep`, `office` and `coordinator` are in tests/conftest.py)."""

import datetime

from notifications.models import Notification
from tests.factories import ActiveAgreementFactory

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


def unused_agreement(**kwargs):
    """An active agreement signed three years ago that nothing has used, ending in 180 days."""
    return ActiveAgreementFactory(
        valid_from=TODAY - datetime.timedelta(days=1100),
        signed_on=TODAY - datetime.timedelta(days=1100),
        valid_until=days(180),
        **kwargs,
    )
