import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mobility import services
from mobility.models import ExchangeCall, Mobility
from tests.factories import ApplicationFactory, CallFactory, PartnerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def actors(obj):
    return set(obj.history.values_list("history_user", flat=True))


def call_values(**changes):
    now = timezone.now()
    return {
        "title_en": "Semester exchange",
        "mobility_type": ExchangeCall.MobilityType.SEMESTER,
        "levels": ["bachelor"],
        "funding": ExchangeCall.Funding.UNIVERSITY,
        "places": 2,
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=30),
        "mobility_starts_on": datetime.date(2027, 9, 1),
        "mobility_ends_on": datetime.date(2028, 1, 31),
        "document_kinds": ["transcript"],
        **changes,
    }


def test_create_call_with_its_host_and_criteria_never_twice():
    staff = StaffFactory()
    partner = PartnerFactory()

    call = services.create_call(slug="semester", values=call_values(), by=staff)
    services.create_call(slug="semester", values=call_values(places=3), relations={"reviewers": [staff]}, by=staff)
    services.add_call_host(call, partner=partner, by=staff)
    services.add_call_host(call, partner=partner, places=1, by=staff)
    criterion = services.add_selection_criterion(call, name_en="GPA", weight=60, values={}, by=staff)
    services.add_selection_criterion(call, name_en="GPA", weight=50, values={}, by=staff)

    call.refresh_from_db()
    assert (ExchangeCall.objects.count(), call.places, actors(call)) == (1, 3, {staff.pk})
    assert list(call.hosts.values_list("partner", "places")) == [(partner.pk, 1)]
    assert list(call.criteria.values_list("pk", "weight")) == [(criterion.pk, 50)]
    assert list(call.reviewers.all()) == [staff]


def test_create_call_refuses_a_call_that_closes_before_it_opens():
    now = timezone.now()

    with pytest.raises(ValidationError, match="Applications must close after they open"):
        services.create_call(slug="bad", values=call_values(closes_at=now - datetime.timedelta(days=2)), by=None)

    assert not ExchangeCall.objects.exists()


def test_add_selection_criterion_refuses_a_weight_above_a_hundred():
    call = CallFactory(criteria=False)

    with pytest.raises(ValidationError) as refused:
        services.add_selection_criterion(call, name_en="GPA", weight=150, values={}, by=StaffFactory())

    assert "weight" in refused.value.message_dict and not call.criteria.exists()


def test_add_priority_category_keeps_one_per_name():
    staff = StaffFactory()

    first = services.add_priority_category(name_en="Orphans", values={"name_ru": "Сироты"}, by=staff)
    again = services.add_priority_category(name_en="Orphans", values={"name_kk": "Жетімдер"}, by=staff)

    assert first.pk == again.pk and actors(again) == {staff.pk}


def test_record_incoming_mobility_refuses_a_stay_that_ends_before_it_starts():
    staff = StaffFactory()
    partner = PartnerFactory()
    values = {
        "mobility_type": ExchangeCall.MobilityType.STAFF_TEACHING,
        "starts_on": datetime.date(2026, 3, 1),
        "ends_on": datetime.date(2026, 3, 12),
        "status": Mobility.Status.PLANNED,
    }

    guest = services.record_incoming_mobility(participant_name="Wang Fang", partner=partner, values=values, by=staff)
    services.record_incoming_mobility(participant_name="Wang Fang", partner=partner, values=values, by=staff)

    assert (Mobility.objects.get().pk, guest.direction, actors(guest)) == (guest.pk, "incoming", {staff.pk})
    with pytest.raises(ValidationError, match="The mobility cannot end before it starts"):
        services.move_mobility_dates(
            guest, starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 2, 1), by=staff
        )


def test_add_learning_agreement_course_refuses_negative_credits():
    staff = StaffFactory()
    guest = services.record_incoming_mobility(
        participant_name="Ayşe Demir",
        partner=PartnerFactory(),
        values={
            "mobility_type": ExchangeCall.MobilityType.STAFF_TEACHING,
            "starts_on": datetime.date(2026, 3, 1),
            "ends_on": datetime.date(2026, 3, 12),
        },
        by=staff,
    )
    values = {"host_credits": 2, "home_course": "Research practice", "home_credits": 3}

    course = services.add_learning_agreement_course(guest, host_course="Rock mechanics", values=values, by=staff)

    assert actors(course) == {staff.pk}
    with pytest.raises(ValidationError, match="Credits cannot be negative"):
        services.add_learning_agreement_course(
            guest, host_course="Mining", values={**values, "home_credits": -1}, by=staff
        )
    assert guest.courses.count() == 1


def test_applying_at_a_moment_the_call_was_open_needs_no_reopening():
    call = CallFactory(closes_at=timezone.now() - datetime.timedelta(days=1))
    student = UserFactory(role="student")
    in_time = call.closes_at - datetime.timedelta(hours=1)

    with pytest.raises(ValidationError, match="does not accept applications now"):
        services.start_application(call, applicant=student)
    application = services.start_application(call, applicant=student, now=in_time)
    services.save_draft(application, values={"phone": "+7 701 000 00 00"}, now=in_time)

    call.refresh_from_db()
    assert call.closes_at < timezone.now() and application.history.first().history_user == student


def test_a_reviewer_is_named_in_the_history_of_the_review_and_its_scores():
    application = ApplicationFactory(status="submitted", submitted_at=timezone.now())
    reviewer = StaffFactory()
    criteria = list(application.call.criteria.all())

    review = services.save_review(application, reviewer=reviewer, points={c.pk: 80 for c in criteria})

    assert actors(review) == {reviewer.pk}
    assert all(actors(score) == {reviewer.pk} for score in review.scores.all())
