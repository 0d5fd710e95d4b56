import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ArticleFactory, HomeInstitutionFactory, PartnerFactory, StaffFactory, VisitFactory
from visits import services
from visits.models import NewsArticle, Outcome, Report, TypoReport, Visit

pytestmark = pytest.mark.django_db


def test_a_visit_goes_from_proposal_to_report_and_every_step_is_recorded():
    visit, staff = VisitFactory(), StaffFactory()

    for status in ("approved", "confirmed", "in_progress", "completed"):
        services.change_visit_status(visit, to=status, by=staff)
    Report.objects.create(visit=visit, body="<p>Done.</p>")
    services.change_visit_status(visit, to="reported", by=staff, comment="Report filed")

    visit.refresh_from_db()
    assert visit.status == "reported"
    assert visit.transitions.count() == 5
    assert visit.transitions.first().comment == "Report filed"


def test_a_visit_is_reported_only_with_a_report_and_cancelled_only_with_a_reason():
    staff = StaffFactory()
    visit = VisitFactory(status=Visit.Status.COMPLETED)

    with pytest.raises(ValidationError, match="report"):
        services.change_visit_status(visit, to="reported", by=staff)
    with pytest.raises(ValidationError, match="cannot become"):
        services.change_visit_status(visit, to="cancelled", by=staff, comment="Too late")
    proposed = VisitFactory()
    with pytest.raises(ValidationError, match="why"):
        services.change_visit_status(proposed, to="cancelled", by=staff)
    services.change_visit_status(proposed, to="cancelled", by=staff, comment="Visa refused")


def test_a_tentative_visit_cannot_be_confirmed_until_its_dates_are_known():
    visit = VisitFactory(precision=Visit.Precision.YEAR, starts_on=datetime.date(2026, 1, 1), ends_on=None)
    staff = StaffFactory()
    services.change_visit_status(visit, to="approved", by=staff)

    with pytest.raises(ValidationError, match="exact dates"):
        services.change_visit_status(visit, to="confirmed", by=staff)


def test_an_outcome_becomes_the_planned_incoming_visit_in_one_step():
    HomeInstitutionFactory(city_en="Shymkent", city="Shymkent")
    source = VisitFactory(title_en="Official visit to Xinjiang University", city="Urumqi")
    outcome = Outcome.objects.create(
        visit=source, description="The Chinese side will visit Shymkent in 2026", kind="incoming_visit", visit_year=2026
    )
    staff = StaffFactory()

    planned = services.plan_follow_up_visit(outcome, by=staff)
    again = services.plan_follow_up_visit(outcome, by=staff)

    assert again == planned
    assert (planned.direction, planned.precision, planned.starts_on, str(planned.country)) == (
        "incoming",
        "year",
        datetime.date(2026, 1, 1),
        "KZ",
    )
    assert planned.period == "2026"
    assert list(planned.partners.all()) == list(source.partners.all())
    outcome.refresh_from_db()
    assert outcome.follow_up_visit == planned
    assert Visit.objects.count() == 2


def test_the_planned_visit_is_titled_in_every_language():
    source = VisitFactory(title_en="Official visit to XJU", title_ru="Визит в СУ", title_zh_hans="访问新疆大学")
    outcome = Outcome.objects.create(
        visit=source, description="Return visit in 2026", kind="incoming_visit", visit_year=2026
    )

    planned = services.plan_follow_up_visit(outcome, by=StaffFactory())

    assert "Official visit to XJU" in planned.title_en
    assert "Визит в СУ" in planned.title_ru
    assert "访问新疆大学" in planned.title_zh_hans
    assert planned.title_kk  # Kazakh text around the English title, since the source has no Kazakh one


def test_a_return_visit_after_an_incoming_delegation_goes_to_the_partner():
    HomeInstitutionFactory()
    xju = PartnerFactory(country="CN", city_en="Urumqi", city="Urumqi")
    incoming = VisitFactory(direction="incoming", country="KZ", city="Shymkent", partners=[xju])
    outcome = Outcome.objects.create(
        visit=incoming, description="We will come to Urumqi next year", kind="outgoing_visit", visit_year=2027
    )

    planned = services.plan_follow_up_visit(outcome, by=StaffFactory())

    assert (str(planned.country), planned.city_en) == ("CN", "Urumqi")


def test_only_outcomes_that_promise_a_visit_are_planned_the_way_and_in_the_period_they_state():
    staff = StaffFactory()
    outgoing = VisitFactory(direction=Visit.Direction.OUTGOING)
    incoming = VisitFactory(direction=Visit.Direction.INCOMING)
    in_a_month = Outcome.objects.create(
        visit=outgoing, description="They visit us", kind="incoming_visit", visit_year=2027, visit_month=3
    )
    in_a_year = Outcome.objects.create(
        visit=incoming, description="We visit them", kind="outgoing_visit", visit_year=2028
    )
    mobility = Outcome.objects.create(visit=outgoing, description="Launch student mobility", due_on="2026-09-01")
    Outcome.objects.create(
        visit=incoming, description="Dropped idea", kind="outgoing_visit", visit_year=2027, status="dropped"
    )

    planned = services.plan_follow_up_visits(Visit.objects.filter(pk__in=[outgoing.pk, incoming.pk]), by=staff)

    assert planned == 2
    in_a_month.refresh_from_db()
    in_a_year.refresh_from_db()
    mobility.refresh_from_db()
    month, year = in_a_month.follow_up_visit, in_a_year.follow_up_visit
    assert (month.direction, month.precision, month.starts_on) == ("incoming", "month", datetime.date(2027, 3, 1))
    assert (year.direction, year.precision, year.starts_on) == ("outgoing", "year", datetime.date(2028, 1, 1))
    assert (month.period, year.period) == ("March 2027", "2028")
    assert mobility.follow_up_visit is None  # an action item is not a visit
    assert Visit.objects.count() == 4
    assert services.plan_follow_up_visits(Visit.objects.filter(pk=outgoing.pk), by=staff) == 0


def test_an_action_item_cannot_be_planned_as_a_visit():
    outcome = Outcome.objects.create(visit=VisitFactory(), description="Launch student mobility")

    with pytest.raises(ValidationError, match="does not promise a visit"):
        services.plan_follow_up_visit(outcome, by=StaffFactory())
    assert Visit.objects.count() == 1


def test_the_planned_visit_has_its_city_in_every_language():
    HomeInstitutionFactory(city_en="Shymkent", city_ru="Шымкент", city_kk="Шымкент", city_zh_hans="奇姆肯特")
    xju = PartnerFactory(country="CN", city_en="Urumqi", city_ru="Урумчи", city_kk="Үрімші", city_zh_hans="乌鲁木齐")
    outgoing = VisitFactory(direction="outgoing", partners=[xju], city_en="Urumqi", city_zh_hans="乌鲁木齐")
    incoming = VisitFactory(direction="incoming", partners=[xju], country="KZ")
    to_us = Outcome.objects.create(visit=outgoing, description="They come", kind="incoming_visit", visit_year=2027)
    to_them = Outcome.objects.create(visit=incoming, description="We go", kind="outgoing_visit", visit_year=2027)

    home = services.plan_follow_up_visit(to_us, by=StaffFactory())
    away = services.plan_follow_up_visit(to_them, by=StaffFactory())

    assert (home.city_en, home.city_ru, home.city_kk, home.city_zh_hans) == (
        "Shymkent",
        "Шымкент",
        "Шымкент",
        "奇姆肯特",
    )
    assert (away.city_en, away.city_ru, away.city_kk, away.city_zh_hans) == ("Urumqi", "Урумчи", "Үрімші", "乌鲁木齐")


def test_the_preview_lists_what_planning_would_create_and_creates_nothing():
    visit = VisitFactory(title_en="Official visit to XJU", title="Official visit to XJU")
    promise = Outcome.objects.create(visit=visit, description="Return visit", kind="incoming_visit", visit_year=2027)
    Outcome.objects.create(visit=visit, description="Launch student mobility")

    plan = services.preview_follow_up_visits(Visit.objects.filter(pk=visit.pk))

    assert [(outcome, planned.period, planned.direction) for outcome, planned in plan] == [
        (promise, "2027", "incoming")
    ]
    assert plan[0][1].pk is None
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("status", ["proposed", "approved", "confirmed", "in_progress", "cancelled"])
def test_an_article_is_published_only_about_a_visit_that_took_place(status):
    article = ArticleFactory(is_published=False, visit__status=status)

    with pytest.raises(ValidationError, match="took place"):
        services.publish_article(article)
    with pytest.raises(ValidationError, match="took place"):
        services.publish_articles(NewsArticle.objects.filter(pk=article.pk))

    article.refresh_from_db()
    assert not article.is_published


@pytest.mark.parametrize("status", ["completed", "reported"])
def test_an_article_about_a_visit_that_took_place_is_published(status):
    article = ArticleFactory(is_published=False, visit__status=status)

    services.publish_article(article)

    article.refresh_from_db()
    assert article.is_published


def test_publishing_withdrawing_and_closing_keep_each_change_in_the_history():
    article = ArticleFactory(is_published=False)
    report = TypoReport.objects.create(url="/en/", language="en", selection="Kopir")

    assert services.publish_articles(NewsArticle.objects.filter(pk=article.pk)) == 1
    assert services.withdraw_articles(NewsArticle.objects.filter(pk=article.pk)) == 1
    assert services.close_typo_reports(TypoReport.objects.filter(pk=report.pk)) == 1

    assert [h.is_published for h in article.history.order_by("history_id")] == [False, True, False]
    assert [h.status for h in report.history.order_by("history_id")] == ["open", "closed"]


def test_proposing_a_visit_records_the_proposal_and_refuses_bad_dates():
    staff, partner = StaffFactory(), PartnerFactory()
    values = {"title_en": "Visit to Urumqi", "title": "Visit to Urumqi", "direction": "outgoing", "country": "CN"}

    visit = services.propose_visit(
        by=staff,
        partners=[partner],
        values={**values, "starts_on": datetime.date(2027, 5, 4), "ends_on": datetime.date(2027, 5, 8)},
    )

    assert (visit.status, list(visit.partners.all())) == ("proposed", [partner])
    assert list(visit.transitions.values_list("to_status", "by")) == [("proposed", staff.pk)]
    with pytest.raises(ValidationError):
        services.propose_visit(
            by=staff,
            partners=[partner],
            values={**values, "starts_on": datetime.date(2027, 5, 4), "ends_on": datetime.date(2027, 5, 1)},
        )
