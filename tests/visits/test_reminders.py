"""Visits' reminders: the delegation before departure, the report when the visit ends and once it is overdue, the
owners of action items, the office's weekly digest, visits as use of an agreement."""

import datetime

import pytest

from notifications.models import Notification, ReminderRule
from notifications.services import render_email
from tests.factories import ActiveAgreementFactory, PartnerFactory, StaffFactory, UserFactory, VisitFactory
from tests.reminders import TODAY, days, notices, unused_agreement
from visits.models import DelegationMember, Outcome, Report, Visit

pytestmark = pytest.mark.django_db


def visit_with(members, **kwargs):
    defaults = {"status": Visit.Status.CONFIRMED, "starts_on": days(14), "ends_on": days(18)}
    visit = VisitFactory(**(defaults | kwargs))
    for user, role in members:
        DelegationMember.objects.create(visit=visit, user=user, role=role)
    DelegationMember.objects.create(visit=visit, name="A guest without an account")
    return visit


@pytest.mark.parametrize(("days_left", "stage"), [(15, None), (14, "14"), (4, "14"), (3, "3"), (0, "3"), (-1, None)])
def test_the_delegation_is_reminded_to_prepare_before_departure(sweep, days_left, stage):
    head, member = UserFactory(email="head@kopir.example"), UserFactory(email="member@kopir.example")
    visit_with([(head, "head"), (member, "member")], starts_on=days(days_left), ends_on=days(days_left + 4))

    sweep()

    assert notices("visit_preparation") == ({(stage, head.email), (stage, member.email)} if stage else set())


@pytest.mark.parametrize(
    "change", [{"status": Visit.Status.PROPOSED}, {"direction": Visit.Direction.INCOMING}, {"status": "cancelled"}]
)
def test_no_preparation_reminder_for_proposed_cancelled_or_incoming_visits(sweep, change):
    visit_with([(UserFactory(), "head")], **change)

    sweep()

    assert not notices("visit_preparation")


def test_a_member_added_late_still_gets_the_current_preparation_reminder(sweep):
    first = UserFactory(email="first@kopir.example")
    visit = visit_with([(first, "member")])
    sweep()
    late = UserFactory(email="late@kopir.example")
    DelegationMember.objects.create(visit=visit, user=late)

    sweep(days(1))

    assert notices("visit_preparation") == {("14", first.email), ("14", late.email)}


def test_the_head_of_delegation_is_asked_for_the_report_when_the_visit_ends(sweep, office):
    head, member = UserFactory(email="head@kopir.example"), UserFactory(email="member@kopir.example")
    visit_with([(head, "head"), (member, "member")], status="in_progress", starts_on=days(-4), ends_on=TODAY)

    sweep(days(-1))
    assert not notices("visit_report_due")
    sweep()

    assert notices("visit_report_due") == {("0", head.email)}


def test_without_a_head_with_an_account_every_member_is_asked_for_the_report(sweep):
    member = UserFactory(email="member@kopir.example")
    visit_with([(member, "member")], status="completed", starts_on=days(-4), ends_on=TODAY)

    sweep()

    assert notices("visit_report_due") == {("0", member.email)}


# The last stage is due 29 days after the end; a visit left without a report 30 days beyond that is let go.
@pytest.mark.parametrize(
    ("ended", "stage"), [(-14, None), (-15, "0"), (-28, "0"), (-29, "14"), (-59, "14"), (-60, None), (-300, None)]
)
def test_an_overdue_report_is_chased_with_the_head_and_the_office(sweep, office, ended, stage):
    head = UserFactory(email="head@kopir.example")
    visit_with([(head, "head")], status="completed", starts_on=days(ended - 3), ends_on=days(ended))

    sweep()

    assert notices("visit_report_overdue") == ({(stage, head.email), (stage, office.email)} if stage else set())


def test_a_written_report_stops_the_reminders(sweep, office):
    head = UserFactory()
    visit = visit_with([(head, "head")], status="completed", starts_on=days(-40), ends_on=days(-35))
    Report.objects.create(visit=visit, body="<p>Done.</p>")

    sweep()

    assert not notices("visit_report_due")
    assert not notices("visit_report_overdue")


@pytest.mark.parametrize(("ended", "overdue"), [(-14, False), (-15, True)])
def test_report_overdue_means_the_same_day_in_the_admin_the_digest_and_the_reminder(
    sweep, office, client, settings, time_machine, ended, overdue
):
    settings.STAFF_MFA_REQUIRED = False
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC))
    ActiveAgreementFactory(valid_until=days(20))  # so that the digest goes out either way
    visit = visit_with(
        [(UserFactory(), "head")],
        status="completed",
        title_en="Late report",
        title="Late report",
        starts_on=days(ended - 3),
        ends_on=days(ended),
    )

    sweep()
    client.force_login(office)

    in_admin = visit in client.get("/en/admin/visits/visit/?timing=overdue").context["cl"].result_list
    digest = render_email(Notification.objects.get(rule="office_digest", recipient=office))
    in_digest = "Late report" in digest.body
    reminded = bool(notices("visit_report_overdue"))
    assert (in_admin, in_digest, reminded) == (overdue, overdue, overdue)


@pytest.mark.parametrize(
    ("due_in", "rule", "stage"),
    [
        (8, "outcome_due_soon", None),
        (7, "outcome_due_soon", "7"),
        (2, "outcome_due_soon", "7"),
        (1, "outcome_due_soon", "1"),
        (0, "outcome_due_soon", "1"),
        (0, "outcome_overdue", None),
        (-1, "outcome_overdue", "1"),
        (-13, "outcome_overdue", "1"),
        (-14, "outcome_overdue", "14"),
    ],
)
def test_action_items_remind_their_owner_before_and_after_the_due_date(sweep, due_in, rule, stage):
    owner = UserFactory(email="owner@kopir.example")
    Outcome.objects.create(visit=VisitFactory(), description="Sign the MoU", owner=owner, due_on=days(due_in))

    sweep()

    assert notices(rule) == ({(stage, owner.email)} if stage else set())


def test_done_action_items_and_items_without_an_owner_are_not_reminded(sweep):
    visit = VisitFactory()
    Outcome.objects.create(visit=visit, description="Done", owner=UserFactory(), due_on=days(1), status="done")
    Outcome.objects.create(visit=visit, description="Nobody's", due_on=days(1))

    sweep()

    assert not Notification.objects.filter(rule__startswith="outcome").exists()


def test_the_office_gets_a_weekly_digest_once_a_week_when_there_is_something_to_report(sweep, office):
    other = StaffFactory(email="other@kopir.example")
    ActiveAgreementFactory(valid_until=days(20), title_en="Xinjiang MoU", title_ru="Меморандум с СУ")

    sweep()
    sweep(days(6))  # Sunday, the same week
    sweep(days(7))  # the next Monday

    assert notices("office_digest") == {
        ("2026-W10", office.email),
        ("2026-W10", other.email),
        ("2026-W11", office.email),
        ("2026-W11", other.email),
    }
    digest = render_email(Notification.objects.get(rule="office_digest", stage="2026-W10", recipient=office))
    assert "Меморандум с СУ" in digest.body
    assert digest.extra_headers["Content-Language"] == "ru"


def test_no_digest_when_nothing_expires_starts_or_is_overdue(sweep, office):
    sweep()

    assert not notices("office_digest")


def test_the_digest_names_a_tentative_visit_by_its_month_never_a_made_up_first_day(sweep, office):
    ReminderRule.objects.update_or_create(key="office_digest", defaults={"offsets": "40"})
    VisitFactory(title_en="Summer school", precision="month", starts_on=datetime.date(2026, 4, 1), ends_on=None)

    sweep()

    body = render_email(Notification.objects.get(rule="office_digest", recipient=office)).body
    assert "апрель 2026" in body.lower() or "апреля 2026" in body.lower()
    assert "1 апреля" not in body


def test_an_old_visit_does_not_count_as_use(sweep, office):
    partner = PartnerFactory()
    unused_agreement(partners=[partner])
    VisitFactory(partners=[partner], starts_on=days(-800), ends_on=days(-795), status="reported")

    sweep()

    assert notices("agreement_unused") == {("180", office.email)}
