"""The sweep: a notice goes out once however often it runs, a late sweep sends the latest stage only, staff set the
days and switch rules off, and a failing rule never stops the others."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import ReminderRule
from tests.factories import ActiveAgreementFactory
from tests.reminders import days, notices, sent

pytestmark = pytest.mark.django_db


def test_agreement_expiry_is_sent_once_however_often_the_sweep_runs(sweep, office, coordinator):
    ActiveAgreementFactory(valid_until=days(30), coordinator=coordinator)

    first = sweep()
    second = sweep()
    third = sweep(days(1))

    assert (first.claimed, second.claimed, third.claimed) == (2, 0, 0)
    assert len(mail.outbox) == 2


def test_a_sweep_missed_for_weeks_sends_only_the_latest_stage_once(sweep, office, coordinator):
    ActiveAgreementFactory(valid_until=days(100), coordinator=coordinator)
    sweep()  # 100 days left: the 180-day reminder

    sweep(days(95))  # the sweeps of 85 days were lost: 5 days left
    sweep(days(96))

    assert notices("agreement_expiry") == {
        ("180", coordinator.email),
        ("180", office.email),
        ("7", coordinator.email),
        ("7", office.email),
    }
    assert sent("agreement_expiry") == 4
    assert len([message for message in mail.outbox if message.to == [coordinator.email]]) == 2


def test_staff_change_the_days_and_switch_a_rule_off(sweep, office, coordinator):
    ActiveAgreementFactory(valid_until=days(45), coordinator=coordinator)
    sweep(days(-400))  # creates the settings rows
    ReminderRule.objects.filter(key="agreement_expiry").update(offsets="45, 5")
    ReminderRule.objects.filter(key="office_digest").update(is_active=False)

    sweep()

    assert notices("agreement_expiry") == {("45", coordinator.email), ("45", office.email)}
    assert not notices("office_digest")


def test_a_failing_rule_is_logged_and_the_others_still_remind(sweep, office, coordinator, monkeypatch, caplog):
    from notifications.registry import RULES

    def broken(**kwargs):
        raise RuntimeError("a bug in one rule")

    monkeypatch.setattr(RULES["visit_preparation"], "candidates", broken)
    ActiveAgreementFactory(valid_until=days(30), coordinator=coordinator)

    sweep()

    assert notices("agreement_expiry") == {("30", coordinator.email), ("30", office.email)}
    assert "visit_preparation failed" in caplog.text


def test_a_sweep_with_nothing_due_costs_the_same_queries_for_ten_or_two_hundred_agreements(sweep, office, coordinator):
    def queries(run):
        with CaptureQueriesContext(connection) as captured:
            result = run()
        return len(captured), result.claimed

    ActiveAgreementFactory.create_batch(10, valid_until=days(30), coordinator=coordinator)
    first_of_ten = queries(sweep)
    idle_of_ten = queries(sweep)
    ActiveAgreementFactory.create_batch(190, valid_until=days(30), coordinator=coordinator)
    first_of_two_hundred = queries(sweep)
    idle_of_two_hundred = queries(sweep)

    assert (first_of_ten[1], first_of_two_hundred[1]) == (20, 380)  # the coordinator and the office, once each
    assert idle_of_ten == idle_of_two_hundred  # (queries, 0 claimed): its reads do not grow with the data
    assert idle_of_ten[1] == 0
    assert sent("agreement_expiry") == 400
