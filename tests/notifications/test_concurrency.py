"""Exactly once under concurrency: two sweeps racing on PostgreSQL claim and email each key once."""

import threading

import pytest
from django.core import mail
from django.db import connection

from notifications import services
from notifications.models import Notification
from tests.factories import ActiveAgreementFactory, StaffFactory, UserFactory
from tests.helpers import skip_or_fail
from tests.reminders import TODAY, days

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_sweeps_at_the_same_time_send_one_email_per_key(monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("The concurrency test needs PostgreSQL (set DATABASE_URL): SQLite serialises writers.")
    office = StaffFactory()
    coordinators = [UserFactory(role="faculty") for _ in range(10)]
    for coordinator in coordinators:
        ActiveAgreementFactory(valid_until=days(30), coordinator=coordinator)
    # The settings rows exist, as after the first sweep: two sweeps creating them would wait on each other there.
    services.rule_settings()
    # Both sweeps have read what is due before either inserts its claims: the worst overlap.
    both_ready = threading.Barrier(2, timeout=20)
    claim = services._claim

    def claim_together(keys):
        both_ready.wait()
        return claim(keys)

    monkeypatch.setattr(services, "_claim", claim_together)
    results, errors = [], []

    def run():
        try:
            results.append(services.sweep_reminders(today=TODAY))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert [result.candidates for result in results] == [20, 20]  # each sweep saw every key as due
    assert sum(result.claimed for result in results) == 20  # but each key was claimed by one of them
    assert Notification.objects.filter(rule="agreement_expiry").count() == 20
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([office.email] * 10 + [coordinator.email for coordinator in coordinators])
