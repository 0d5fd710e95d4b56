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
    outcome = Outcome.objects.create(visit=source, description="The Chinese side will visit Shymkent in 2026")
    staff = StaffFactory()

    planned = services.plan_follow_up_visit(outcome, direction="incoming", year=2026, by=staff)
    again = services.plan_follow_up_visit(outcome, direction="incoming", year=2026, by=staff)

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
    outcome = Outcome.objects.create(visit=source, description="Return visit in 2026")

    planned = services.plan_follow_up_visit(outcome, direction="incoming", year=2026, by=StaffFactory())

    assert "Official visit to XJU" in planned.title_en
    assert "Визит в СУ" in planned.title_ru
    assert "访问新疆大学" in planned.title_zh_hans
    assert planned.title_kk  # Kazakh text around the English title, since the source has no Kazakh one


def test_a_return_visit_after_an_incoming_delegation_goes_to_the_partner():
    HomeInstitutionFactory()
    xju = PartnerFactory(country="CN", city_en="Urumqi", city="Urumqi")
    incoming = VisitFactory(direction="incoming", country="KZ", city="Shymkent", partners=[xju])
    outcome = Outcome.objects.create(visit=incoming, description="We will come to Urumqi next year")

    planned = services.plan_follow_up_visit(outcome, direction="outgoing", year=2027, by=StaffFactory())

    assert (str(planned.country), planned.city_en) == ("CN", "Urumqi")


def test_follow_ups_go_the_other_way_in_the_year_the_outcome_is_due_or_this_year():
    staff = StaffFactory()
    outgoing = VisitFactory(direction=Visit.Direction.OUTGOING)
    incoming = VisitFactory(direction=Visit.Direction.INCOMING)
    dated = Outcome.objects.create(visit=outgoing, description="They visit us", due_on=datetime.date(2027, 5, 1))
    undated = Outcome.objects.create(visit=incoming, description="We visit them")
    Outcome.objects.create(visit=incoming, description="Dropped idea", status=Outcome.Status.DROPPED)

    planned = services.plan_follow_up_visits(
        Visit.objects.filter(pk__in=[outgoing.pk, incoming.pk]), by=staff, today=datetime.date(2026, 3, 2)
    )

    assert planned == 2
    dated.refresh_from_db()
    undated.refresh_from_db()
    assert (dated.follow_up_visit.direction, dated.follow_up_visit.starts_on.year) == ("incoming", 2027)
    assert (undated.follow_up_visit.direction, undated.follow_up_visit.starts_on.year) == ("outgoing", 2026)
    assert services.plan_follow_up_visits(Visit.objects.filter(pk=outgoing.pk), by=staff) == 0


def test_publishing_withdrawing_and_closing_keep_each_change_in_the_history():
    article = ArticleFactory(is_published=False)
    report = TypoReport.objects.create(url="/en/", language="en", selection="Kopir")

    assert services.publish_articles(NewsArticle.objects.filter(pk=article.pk)) == 1
    assert services.withdraw_articles(NewsArticle.objects.filter(pk=article.pk)) == 1
    assert services.close_typo_reports(TypoReport.objects.filter(pk=report.pk)) == 1

    assert [h.is_published for h in article.history.order_by("history_id")] == [False, True, False]
    assert [h.status for h in report.history.order_by("history_id")] == ["open", "closed"]
