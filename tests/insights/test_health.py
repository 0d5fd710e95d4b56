import datetime
from decimal import Decimal

import pytest

from insights import health
from mobility.models import Mobility
from partnerships.models import CooperationCondition, JointProgram
from tests.factories import ActiveAgreementFactory, JointProgramFactory, PartnerFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 2)


def agreement_with_places(places=4, **dates):
    partner = PartnerFactory()
    agreement = ActiveAgreementFactory(partners=[partner], **dates)
    CooperationCondition.objects.create(
        agreement=agreement,
        receiving_partner=partner,
        mobility_type=CooperationCondition.MobilityType.STUDENT_STUDIES,
        academic_year_from="2025/2026",
        academic_year_to="2029/2030",
        places_per_year=places,
        total_months_per_year=Decimal("20.0"),
    )
    return agreement, partner


def go(agreement, partner, starts_on, *, direction="outgoing", mobility_type="semester", status="completed"):
    return Mobility.objects.create(
        participant_name="A",
        direction=direction,
        partner=partner,
        agreement=agreement,
        mobility_type=mobility_type,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=120),
        status=status,
    )


def test_academic_years_run_from_september_to_august():
    assert health.academic_year_of(datetime.date(2026, 8, 31)) == 2025
    assert health.academic_year_of(datetime.date(2026, 9, 1)) == 2026
    assert health.academic_year_bounds(2025) == (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))


@pytest.mark.parametrize(
    ("promised", "realised", "activity", "state"),
    [
        (4, 2, 2, health.USED),
        (4, 1, 1, health.UNDER_USED),
        (4, 0, 1, health.UNDER_USED),
        (4, 0, 0, health.UNUSED),
        (0, 0, 1, health.USED),
        (0, 0, 0, health.UNUSED),
    ],
)
def test_the_rule_that_classifies_a_year(promised, realised, activity, state):
    assert health.classify(promised=promised, realised=realised, activity=activity) == state


def test_each_year_shows_the_places_promised_beside_the_mobilities_that_filled_them():
    agreement, partner = agreement_with_places(places=4)
    go(agreement, partner, datetime.date(2025, 9, 10))
    go(agreement, partner, datetime.date(2025, 9, 10))
    go(agreement, partner, datetime.date(2025, 9, 10), status="cancelled")  # not counted
    go(agreement, partner, datetime.date(2026, 9, 10))
    go(agreement, partner, datetime.date(2026, 9, 10), direction="incoming")  # no condition promised it

    found = health.health_of([agreement], today=TODAY)[agreement.pk]
    years = {year.label: year for year in found.years}

    first = years["2025/2026"]
    assert (first.promised, first.realised, first.state) == (4, 2, health.USED)
    assert first.lines[0].realised_months == Decimal("8.0")  # 2 × 121 days
    second = years["2026/2027"]
    assert (second.promised, second.realised, second.unmatched, second.state) == (4, 1, 1, health.UNDER_USED)
    assert years["2027/2028"].state == health.UNUSED  # not judged yet: it has not begun
    assert (found.promised, found.realised, found.state) == (8, 3, health.UNDER_USED)


def test_an_agreement_without_conditions_is_used_by_its_visits_and_programs():
    partner = PartnerFactory()
    agreement = ActiveAgreementFactory(partners=[partner])
    assert health.health_of([agreement], today=TODAY)[agreement.pk].state == health.UNUSED

    VisitFactory(partners=[partner], starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 3))
    VisitFactory(
        partners=[partner],
        starts_on=datetime.date(2026, 11, 1),
        ends_on=datetime.date(2026, 11, 2),
        status=Visit.Status.CANCELLED,
    )
    found = health.health_of([agreement], today=TODAY)[agreement.pk]
    assert {year.label: year.visits for year in found.years}["2026/2027"] == 1
    assert found.state == health.USED

    other = ActiveAgreementFactory(partners=[PartnerFactory()])
    JointProgramFactory(agreement=other, partners=[PartnerFactory()], status=JointProgram.Status.RUNNING)
    assert health.health_of([other], today=TODAY)[other.pk].state == health.USED


def test_what_is_only_planned_has_not_happened_and_is_not_counted():
    agreement, partner = agreement_with_places(places=2)
    go(agreement, partner, TODAY + datetime.timedelta(days=20), status="planned")
    soon = TODAY + datetime.timedelta(days=5)
    VisitFactory(partners=[partner], starts_on=soon, ends_on=soon)

    found = health.health_of([agreement], today=TODAY)[agreement.pk]
    this_year = {year.label: year for year in found.years}["2026/2027"]
    assert (this_year.realised, this_year.visits, found.state) == (0, 0, health.UNUSED)

    go(agreement, partner, TODAY, status="ongoing")  # begun today: it happens
    found = health.health_of([agreement], today=TODAY)[agreement.pk]
    assert {year.label: year.realised for year in found.years}["2026/2027"] == 1


@pytest.mark.parametrize("count", [1, 4])
def test_health_reads_a_fixed_number_of_queries(count, django_assert_num_queries):
    agreements = []
    for _ in range(count):
        agreement, partner = agreement_with_places()
        go(agreement, partner, datetime.date(2025, 10, 1))
        agreements.append(agreement)
    with django_assert_num_queries(5):
        found = health.health_of(agreements, today=TODAY)
    assert len(found) == count


def test_the_review_list_holds_the_under_used_and_unused_agreements_ending_within_the_horizon():
    used, partner = agreement_with_places(places=1, valid_until=TODAY + datetime.timedelta(days=100))
    go(used, partner, datetime.date(2025, 10, 1))
    go(used, partner, datetime.date(2026, 10, 1))
    unused, _partner = agreement_with_places(valid_until=TODAY + datetime.timedelta(days=100))
    later, _partner = agreement_with_places(valid_until=TODAY + datetime.timedelta(days=400))

    listed = [found.agreement for found in health.to_review(today=TODAY, horizon=180)]

    assert listed == [unused]
    assert [found.agreement for found in health.to_review(today=TODAY, horizon=500)] == [unused, later]


def test_the_demo_has_an_under_used_agreement_to_review_before_renewal(settings):
    from django.core.management import call_command

    settings.DEBUG = True  # the demo loads only there
    call_command("seed_demo", verbosity=0)

    states = {partner.slug: found.state for found in health.to_review() for partner in found.agreement.partners.all()}

    # Ankara promised three guest teachers a year and sends one: the office has an under-used agreement to review.
    assert health.UNDER_USED in states.values(), states
    assert states["middle-east-technical-university"] == health.UNDER_USED
