import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import PartnerFactory, StaffFactory, VisitFactory
from visits.models import DelegationMember, Outcome, Visit
from visits.services import (
    add_agenda_item,
    add_delegation_member,
    change_visit_status,
    describe_visit,
    propose_visit,
    record_outcome,
    write_article,
    write_report,
)

pytestmark = pytest.mark.django_db


def actors(obj):
    return set(obj.history.values_list("history_user", flat=True))


def test_a_proposed_visit_and_each_status_change_name_who_and_why_in_its_history():
    staff = StaffFactory()
    values = {
        "title_en": "Visit to Urumqi",
        "direction": Visit.Direction.OUTGOING,
        "country": "CN",
        "starts_on": datetime.date(2025, 10, 29),
        "ends_on": datetime.date(2025, 11, 2),
    }

    visit = propose_visit(by=staff, partners=[PartnerFactory()], values=values)
    visit = change_visit_status(visit, to=Visit.Status.APPROVED, by=staff)

    rows = list(visit.history.order_by("history_id").values_list("history_user", "history_change_reason"))
    assert rows == [(staff.pk, "Added"), (staff.pk, "Approved")]


def test_describe_visit_refuses_an_end_before_the_start():
    visit = VisitFactory()

    with pytest.raises(ValidationError, match="The visit cannot end before it starts"):
        describe_visit(visit, values={"ends_on": datetime.date(2025, 10, 1)}, by=StaffFactory())

    visit.refresh_from_db()
    assert visit.ends_on == datetime.date(2025, 11, 2)


def test_delegation_members_and_agenda_items_are_kept_once():
    staff = StaffFactory()
    visit = VisitFactory()
    starts_at = timezone.now()

    add_delegation_member(visit, name="E. Imangaliyev", values={"role": DelegationMember.Role.HEAD}, by=staff)
    add_delegation_member(visit, name="E. Imangaliyev", values={"position": "Vice-Rector"}, by=staff)
    item = add_agenda_item(visit, starts_at=starts_at, values={"title_en": "Meeting"}, by=staff)
    add_agenda_item(visit, starts_at=starts_at, values={"title_en": "Meeting with the rector"}, by=staff)

    assert visit.members.get().position == "Vice-Rector"
    assert visit.agenda.get().title_en == "Meeting with the rector" and actors(item) == {staff.pk}
    with pytest.raises(ValidationError, match="Choose a person or write the member's name"):
        add_delegation_member(visit, name="", values={}, by=staff)
    with pytest.raises(ValidationError) as refused:
        add_agenda_item(visit, starts_at=starts_at, values={"title_en": "", "title": ""}, by=staff)
    assert "title" in refused.value.message_dict


def test_record_outcome_refuses_a_promised_visit_without_its_year():
    staff = StaffFactory()
    visit = VisitFactory()

    outcome = record_outcome(visit, description_en="Sign a memorandum", values={"owner": staff}, by=staff)
    record_outcome(visit, description_en="Sign a memorandum", values={"status": Outcome.Status.DONE}, by=staff)

    assert visit.outcomes.get().status == Outcome.Status.DONE and actors(outcome) == {staff.pk}
    with pytest.raises(ValidationError, match="Give the year in which the promised visit is to take place"):
        record_outcome(
            visit, description_en="A delegation comes", values={"kind": Outcome.Kind.INCOMING_VISIT}, by=staff
        )


def test_report_and_article_are_one_per_visit_and_an_article_is_published_only_after_the_visit():
    staff = StaffFactory()
    soon = timezone.localdate() + datetime.timedelta(days=30)
    visit = VisitFactory(starts_on=soon, ends_on=soon + datetime.timedelta(days=3))

    report = write_report(visit, values={"body_en": "<p>Done.</p>"}, by=staff)
    write_report(visit, values={"body_en": "<p>Done in full.</p>"}, by=staff)
    news = {"slug": "urumqi", "title_en": "In Urumqi", "body_en": "<p>Soon.</p>"}
    article = write_article(visit, values=news, by=staff)

    report.refresh_from_db()
    assert report.body_en == "<p>Done in full.</p>" and actors(report) == actors(article) == {staff.pk}
    with pytest.raises(ValidationError) as refused:
        write_article(visit, values={"is_published": True}, by=staff)
    assert "is_published" in refused.value.message_dict
