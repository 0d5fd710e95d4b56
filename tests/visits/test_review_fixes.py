import datetime

import pytest
from django.core.files.base import ContentFile

from tests.factories import ArticleFactory, StaffFactory, VisitFactory
from visits.models import CalendarFeed, Outcome, Photo, Report, Visit
from visits.services import renew_calendar_feed

pytestmark = pytest.mark.django_db


def test_a_visits_status_changes_only_through_its_recorded_lifecycle(office):
    visit = VisitFactory()

    page = office.get(f"/en/admin/visits/visit/{visit.pk}/change/").content.decode()

    assert 'name="status"' not in page


def test_office_staff_cannot_delete_a_superuser(office):
    superuser = StaffFactory(is_superuser=True)

    office.post(f"/en/admin/accounts/user/{superuser.pk}/delete/", {"post": "yes"})
    office.post(
        "/en/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"}
    )

    superuser.refresh_from_db()
    assert superuser.is_active


def test_a_private_calendar_stops_with_its_owners_account(client):
    staff = StaffFactory()
    token = renew_calendar_feed(staff).token
    staff.is_active = False
    staff.save()

    assert client.get(f"/en/visits/calendar/{token}.ics").status_code == 404
    assert CalendarFeed.objects.exists()


@pytest.mark.parametrize("query", ["?year=²", "?partner=²", "?year=99999", "?partner=99999999999999999999999"])
def test_odd_filter_values_never_break_the_news_or_calls(client, query):
    assert client.get(f"/en/visits/{query}").status_code == 200
    assert client.get(f"/en/mobility/{query}").status_code == 200


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


def test_a_typo_report_cannot_smuggle_a_line_break_into_the_email(client):
    report = {"url": "/en/\r\nBcc: someone@example.org", "selection": "typo", "context": "", "comment": ""}

    assert client.post("/en/visits/typo/", report).status_code == 400


def test_an_article_shows_its_only_photo_even_without_a_cover(client):
    article = ArticleFactory(slug="one-photo")
    photo = Photo(visit=article.visit, alt_text_en="Signing the memorandum", alt_text="Signing the memorandum")
    photo.image.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)

    html = client.get("/en/visits/one-photo/").content.decode()

    assert 'alt="Signing the memorandum"' in html


def test_the_calendar_feed_admin_offers_no_add_form(office):
    assert office.get("/en/admin/visits/calendarfeed/add/").status_code == 403


def test_a_report_is_overdue_only_while_it_is_missing():
    today = datetime.date(2025, 12, 31)
    late = VisitFactory(status=Visit.Status.COMPLETED)
    stuck = VisitFactory(status=Visit.Status.IN_PROGRESS)
    reported = VisitFactory(status=Visit.Status.COMPLETED)
    Report.objects.create(visit=reported, body="<p>Done</p>")

    assert set(Visit.objects.report_overdue(today)) == {late, stuck}
