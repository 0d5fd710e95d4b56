import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mobility import demo as mobility_demo
from mobility.models import ExchangeCall, SelectionCriterion
from partnerships import demo as partnerships_demo
from tests.factories import HomeInstitutionFactory, PartnerFactory, StaffFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)


def make_call(**overrides):
    values = {
        "title_en": "Semester exchange",
        "title": "Semester exchange",
        "mobility_type": "semester",
        "levels": ["bachelor"],
        "funding": "university",
        "places": 3,
        "opens_at": NOW - datetime.timedelta(days=10),
        "closes_at": NOW + datetime.timedelta(days=10),
        "mobility_starts_on": datetime.date(2027, 9, 1),
        "mobility_ends_on": datetime.date(2028, 1, 31),
        "is_published": True,
    }
    call = ExchangeCall.objects.create(**(values | overrides))
    call.partners.set([PartnerFactory()])
    return call


@time_machine.travel(NOW, tick=False)
def test_only_published_calls_with_an_open_window_are_listed(client):
    open_call = make_call(title_en="Open call")
    make_call(
        title_en="Closed call", closes_at=NOW - datetime.timedelta(days=1), opens_at=NOW - datetime.timedelta(days=20)
    )
    make_call(title_en="Draft call", is_published=False)

    listed = client.get("/en/mobility/").context["page"].object_list

    assert list(listed) == [open_call]


@time_machine.travel(NOW, tick=False)
def test_calls_filter_by_type_level_and_host(client):
    semester = make_call(levels=["bachelor", "master"])
    staff = make_call(mobility_type="staff_teaching", levels=["staff"])
    host = semester.partners.get()

    assert list(client.get("/en/mobility/", {"type": "staff_teaching"}).context["page"].object_list) == [staff]
    assert list(client.get("/en/mobility/", {"level": "master"}).context["page"].object_list) == [semester]
    assert list(client.get("/en/mobility/", {"partner": host.pk}).context["page"].object_list) == [semester]


@pytest.mark.parametrize("count", [1, 10])
@time_machine.travel(NOW, tick=False)
def test_call_list_costs_the_same_queries_for_few_or_many_calls(client, django_assert_num_queries, count):
    HomeInstitutionFactory()
    for _ in range(count):
        make_call()

    with django_assert_num_queries(5):
        assert client.get("/en/mobility/").status_code == 200


@time_machine.travel(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC), tick=False)
def test_the_demo_call_page_shows_the_rules_in_the_readers_language(client, settings):
    settings.DEBUG = True
    partnerships_demo.seed()
    office = StaffFactory()
    partnerships_demo.seed_xinjiang(coordinator=office)
    mobility_demo.seed(office=office)

    html = client.get("/ru/mobility/semester-exchange-xinjiang-university/").content.decode()

    assert "Семестровый обмен в Синьцзянском университете" in html
    assert "2,80" in html  # the minimum GPA, written the Russian way
    assert "Мотивационное письмо" in html
    assert "50 %" in html


def test_a_call_window_and_mobility_dates_must_be_in_order_and_places_positive():
    call = make_call()

    for change in ({"closes_at": call.opens_at}, {"mobility_ends_on": datetime.date(2027, 1, 1)}, {"places": 0}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExchangeCall.objects.filter(pk=call.pk).update(**change)


def test_a_call_says_who_may_apply():
    call = make_call()
    call.levels = ["professors"]

    with pytest.raises(ValidationError) as error:
        call.full_clean()

    assert "levels" in error.value.message_dict


@pytest.fixture
def office(client, settings):
    from tests.factories import StaffFactory

    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


def call_form(partner, **overrides):
    data = {
        "title_en": "Semester exchange",
        "slug": "semester-exchange",
        "mobility_type": "semester",
        "levels": ["bachelor", "master"],
        "hosts-TOTAL_FORMS": "1",
        "hosts-INITIAL_FORMS": "0",
        "hosts-0-partner": str(partner.pk),
        "hosts-0-places": "2",
        "funding": "university",
        "places": "3",
        "opens_at_0": "2026-12-01",
        "opens_at_1": "09:00",
        "closes_at_0": "2027-02-15",
        "closes_at_1": "18:00",
        "mobility_starts_on": "2027-09-01",
        "mobility_ends_on": "2028-01-31",
        "no_academic_debts": "on",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name_en": "Grade point average",
        "criteria-0-weight": "60",
        "criteria-1-name_en": "Motivation letter",
        "criteria-1-weight": "40",
    }
    return data | overrides


def test_staff_tick_who_may_apply_and_criteria_weights_add_up_to_100(office):
    partner = PartnerFactory()

    saved = office.post("/en/admin/mobility/exchangecall/add/", call_form(partner))
    refused = office.post(
        "/en/admin/mobility/exchangecall/add/", call_form(partner, slug="other", **{"criteria-1-weight": "30"})
    )

    assert saved.status_code == 302
    assert ExchangeCall.objects.get().levels == ["bachelor", "master"]
    assert ExchangeCall.objects.get().hosts.get().places == 2
    assert "add up to 90 %" in refused.content.decode()
    assert ExchangeCall.objects.count() == 1


def test_criteria_weights_must_add_up_to_100_when_a_call_has_criteria():
    SelectionCriterion.validate_weights([])
    SelectionCriterion.validate_weights([60, 40])
    with pytest.raises(ValidationError, match="add up to 110"):
        SelectionCriterion.validate_weights([60, 50])
