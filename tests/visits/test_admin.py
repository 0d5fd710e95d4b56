"""The visits admin: its actions ask the services, and show dates and times as far and where they are known."""

import datetime

import pytest

from tests.factories import ArticleFactory, HomeInstitutionFactory, StaffFactory, VisitFactory
from visits.models import AgendaItem, NewsArticle, Outcome, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, settings):
    """A client signed in as office staff (without the two-factor step, which has its own tests)."""
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


def plan(office, visit, **extra):
    return office.post(
        "/en/admin/visits/visit/", {"action": "plan_follow_up", "_selected_action": [visit.pk], **extra}, follow=True
    )


def test_planning_follow_up_visits_first_shows_what_will_be_created(office):
    HomeInstitutionFactory(city_en="Shymkent", city="Shymkent")
    visit = VisitFactory(title_en="Official visit to XJU", title="Official visit to XJU")
    Outcome.objects.create(
        visit=visit, description="The Chinese side visits Shymkent", kind="incoming_visit", visit_year=2027
    )
    Outcome.objects.create(visit=visit, description="Launch student mobility", due_on="2027-01-01")

    preview = plan(office, visit)

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Follow-up of «Official visit to XJU»" in html
    assert "The Chinese side visits Shymkent" in html and "2027" in html and "Shymkent" in html
    assert "Launch student mobility" not in html
    assert 'name="apply"' in html
    assert Visit.objects.count() == 1

    done = plan(office, visit, apply="1")

    assert "1 visit was planned." in done.content.decode()
    assert Visit.objects.count() == 2


def test_with_no_outcome_promising_a_visit_the_preview_says_nothing_will_be_created(office):
    visit = VisitFactory()
    Outcome.objects.create(visit=visit, description="Launch student mobility")

    html = plan(office, visit).content.decode()

    assert "nothing will be created" in html
    assert 'name="apply"' not in html
    assert Visit.objects.count() == 1


def test_the_visit_list_shows_a_tentative_visit_by_its_year_or_month_only(office):
    VisitFactory(title_en="Return visit", precision="year", starts_on=datetime.date(2027, 1, 1), ends_on=None)
    VisitFactory(title_en="Summer school", precision="month", starts_on=datetime.date(2027, 3, 1), ends_on=None)

    html = office.get("/en/admin/visits/visit/").content.decode()

    assert ">2027<" in html and ">March 2027<" in html
    assert "Jan. 1, 2027" not in html and "March 1, 2027" not in html


@pytest.mark.parametrize("status", ["proposed", "confirmed", "cancelled"])
def test_the_admin_refuses_to_publish_an_article_about_a_visit_that_did_not_take_place(office, status):
    article = ArticleFactory(is_published=False, visit__status=status)

    listed = office.post(
        "/en/admin/visits/newsarticle/", {"action": "publish", "_selected_action": [article.pk]}, follow=True
    )

    assert "took place" in listed.content.decode()
    article.refresh_from_db()
    assert not article.is_published

    form = office.get(f"/en/admin/visits/newsarticle/{article.pk}/change/")
    data = {**form.context["adminform"].form.initial, "is_published": "on"}
    data = {key: value for key, value in data.items() if value is not None}
    data.update({"visit": article.visit.pk, "published_at_0": "2025-11-03", "published_at_1": "10:00:00"})
    answer = office.post(f"/en/admin/visits/newsarticle/{article.pk}/change/", data)

    assert answer.status_code == 200
    assert "took place" in answer.content.decode()
    assert not NewsArticle.objects.get(pk=article.pk).is_published


def test_the_visit_list_marks_an_embargoed_article_as_not_out_yet(office):
    ArticleFactory(visit__title_en="Embargoed", published_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC))

    response = office.get("/en/admin/visits/visit/")

    (visit,) = response.context["cl"].result_list
    assert visit.article_out is False
    assert '<td class="field-has_article"><img src="/static/admin/img/icon-no.svg" alt="No"></td>' in (
        response.content.decode()
    )


def test_programme_times_are_shown_and_entered_in_the_local_time_of_the_visit(office):
    visit = VisitFactory(time_zone="Asia/Urumqi")
    AgendaItem.objects.create(
        visit=visit, title="Seminar", starts_at=datetime.datetime(2025, 10, 31, 4, tzinfo=datetime.UTC)
    )

    programme = office.get(f"/en/admin/visits/visit/{visit.pk}/programme/").content.decode()
    change = office.get(f"/en/admin/visits/visit/{visit.pk}/change/").content.decode()

    assert "Oct. 31, 2025, 10 a.m." in programme  # 04:00 UTC is 10:00 in Urumqi (and 09:00 in Almaty)
    assert "Asia/Urumqi" in programme
    assert 'value="10:00:00"' in change


def test_a_visits_status_changes_only_through_its_recorded_lifecycle(office):
    visit = VisitFactory()

    page = office.get(f"/en/admin/visits/visit/{visit.pk}/change/").content.decode()

    assert 'name="status"' not in page


def test_planning_a_follow_up_of_a_long_titled_visit_still_works(office):
    visit = VisitFactory(title_en="V" * 250, title="V" * 250)
    Outcome.objects.create(visit=visit, description="Return visit", kind="incoming_visit", visit_year=2027)

    response = office.post(
        "/en/admin/visits/visit/",
        {"action": "plan_follow_up", "_selected_action": [visit.pk], "apply": "1"},
        follow=True,
    )

    assert response.status_code == 200
    assert Visit.objects.count() == 2


def test_the_calendar_feed_admin_offers_no_add_form(office):
    assert office.get("/en/admin/visits/calendarfeed/add/").status_code == 403


def test_the_visit_form_opens_on_its_overview_with_each_task_folded_under_its_heading(office):
    visit = VisitFactory()
    for n in range(3):
        Outcome.objects.create(visit=visit, description=f"Outcome {n}")

    html = office.get(f"/en/admin/visits/visit/{visit.pk}/change/").content.decode()

    for group in ("members", "agenda", "outcomes", "report", "photos", "documents", "transitions"):
        heading = html[html.index(f'id="{group}-group"') :]
        assert heading.index("<details><summary>") < heading.index("</summary>") < heading.index("</fieldset>")
    assert 'id="id_title_en"' in html.split("<details>")[0]  # the overview is open
    # An outcome's related records are chosen in the row; their popups (pencil, plus, cross, eye) are not repeated.
    outcomes = html[html.index('id="outcomes-group"') : html.index('id="report-group"')]
    assert 'name="outcomes-0-agreement"' in outcomes and "related-widget-wrapper-link" not in outcomes
    assert "\n\n" not in outcomes
    assert f"/en/admin/visits/newsarticle/add/?visit={visit.pk}" in html


def test_a_folded_section_with_an_error_opens_by_itself(office):
    visit = VisitFactory()
    Outcome.objects.create(visit=visit, description="Sign a memorandum")
    page = office.get(f"/en/admin/visits/visit/{visit.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data |= {f"{name}": [p.pk for p in form.initial[name]] for name in ("partners",)}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
        for row in formset.formset.forms:
            data |= {row.add_prefix(k): v for k, v in row.initial.items() if v is not None and not isinstance(v, list)}
    data["outcomes-0-description_en"] = ""  # the required language of what was agreed

    html = office.post(f"/en/admin/visits/visit/{visit.pk}/change/", data).content.decode()

    outcomes = html[html.index('id="outcomes-group"') : html.index('id="report-group"')]
    assert "errorlist" in outcomes and "<details>" not in outcomes
