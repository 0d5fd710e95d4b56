"""Partnerships' reminders: an agreement's end and its renewal notice at every offset, agreements left unused."""

import pytest

from notifications.models import Notification
from partnerships.models import JointProgram, ResearchProject
from tests.factories import ActiveAgreementFactory, PartnerFactory, VisitFactory
from tests.reminders import days, notices, sent, unused_agreement

pytestmark = pytest.mark.django_db

STAGES_BEFORE_EXPIRY = {
    181: None,
    180: "180",
    91: "180",
    90: "90",
    31: "90",
    30: "30",
    8: "30",
    7: "7",
    0: "7",
    -1: None,
}


@pytest.mark.parametrize(("days_left", "stage"), STAGES_BEFORE_EXPIRY.items())
def test_agreement_expiry_reminds_the_coordinator_and_the_office_at_each_offset(
    sweep, office, coordinator, days_left, stage
):
    ActiveAgreementFactory(valid_until=days(days_left), coordinator=coordinator)

    sweep()

    expected = {(stage, coordinator.email), (stage, office.email)} if stage else set()
    assert notices("agreement_expiry") == expected
    assert sent("agreement_expiry") == len(expected)


def test_draft_ended_and_auto_renewing_agreements_get_no_expiry_reminder(sweep, office):
    ActiveAgreementFactory(valid_until=days(7), status="expired")
    ActiveAgreementFactory(valid_until=days(7), auto_renewal=True, renewal_notice_days=0)
    ActiveAgreementFactory(valid_until=None)

    sweep()

    assert not notices("agreement_expiry")


@pytest.mark.parametrize(
    ("deadline_in", "stage"), [(61, None), (60, "60"), (15, "60"), (14, "14"), (0, "14"), (-1, None)]
)
def test_renewal_notice_deadline_reminds_before_the_last_day_to_give_notice(
    sweep, office, coordinator, deadline_in, stage
):
    ActiveAgreementFactory(
        valid_until=days(deadline_in + 90), auto_renewal=True, renewal_notice_days=90, coordinator=coordinator
    )

    sweep()

    assert notices("agreement_renewal_notice") == (
        {(stage, coordinator.email), (stage, office.email)} if stage else set()
    )


def test_an_agreement_unused_for_two_years_is_flagged_for_review_before_renewal(sweep, office, coordinator):
    unused_agreement(coordinator=coordinator)

    sweep()

    assert notices("agreement_unused") == {("180", coordinator.email), ("180", office.email)}


@pytest.mark.parametrize("activity", ["visit", "project", "program"])
def test_a_visit_project_or_program_in_the_last_two_years_counts_as_use(sweep, office, activity):
    partner = PartnerFactory()
    agreement = unused_agreement(partners=[partner])
    if activity == "visit":
        VisitFactory(partners=[partner], starts_on=days(-300), ends_on=days(-295), status="reported")
    elif activity == "project":
        project = ResearchProject.objects.create(title="Geology", status="running", starts_on=days(-900))
        project.partners.add(partner)
    else:
        JointProgram.objects.create(
            title="IT", slug="it", kind="double_degree", level="master", status="running", agreement=agreement
        )

    sweep()

    assert not notices("agreement_unused")


def test_an_extended_agreement_is_reminded_again_before_its_new_end(sweep, office, coordinator):
    agreement = ActiveAgreementFactory(valid_until=days(7), coordinator=coordinator)
    sweep()
    agreement.valid_until = days(7 + 365)
    agreement.save()

    sweep(days(365))

    stages = sorted(Notification.objects.filter(rule="agreement_expiry", recipient=coordinator).values_list("stage"))
    assert stages == [(f"7@{days(7).isoformat()}",), (f"7@{days(372).isoformat()}",)]
