import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from icalendar import Calendar

from tests.factories import (
    ArticleFactory,
    HomeInstitutionFactory,
    OfficeStaffFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
    VisitFactory,
)
from tests.helpers import pdf_bytes
from visits.models import AgendaItem, CalendarFeed, DelegationMember, NewsArticle, Photo, Visit, VisitDocument
from visits.services import renew_calendar_feed

pytestmark = pytest.mark.django_db


def test_news_list_shows_published_articles_newest_first_and_filters_them(client):
    xju = PartnerFactory(name_en="Xinjiang University")
    older = ArticleFactory(
        visit=VisitFactory(partners=[xju], starts_on=datetime.date(2024, 5, 1), ends_on=datetime.date(2024, 5, 3)),
        published_at=datetime.datetime(2024, 5, 5, tzinfo=datetime.UTC),
    )
    newer = ArticleFactory(visit=VisitFactory(direction="incoming", country="KZ"))
    ArticleFactory(is_published=False)

    everything = client.get("/en/visits/").context["page"].object_list
    by_year = client.get("/en/visits/", {"year": "2024"}).context["page"].object_list
    by_partner = client.get("/en/visits/", {"partner": xju.pk}).context["page"].object_list
    incoming = client.get("/en/visits/", {"direction": "incoming", "country": "KZ"}).context["page"].object_list

    assert list(everything) == [newer, older]
    assert list(by_year) == [older]
    assert list(by_partner) == [older]
    assert list(incoming) == [newer]


def test_news_filtered_to_nothing_says_so_and_offers_all_the_news(client):
    ArticleFactory(visit=VisitFactory(direction="outgoing"))

    filtered = client.get("/en/visits/", {"direction": "incoming"}).content.decode()

    assert "No news of a visit matches these filters." in filtered
    assert 'href="/en/visits/"' in filtered
    assert "No visits are published yet." not in filtered


@pytest.mark.parametrize("count", [1, 10])
def test_news_list_costs_the_same_queries_for_few_or_many_articles(client, django_assert_num_queries, count):
    HomeInstitutionFactory()
    for _ in range(count):
        ArticleFactory(visit=VisitFactory(partners=[PartnerFactory(), PartnerFactory()]))

    with django_assert_num_queries(7):
        assert client.get("/en/visits/").status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_article_page_costs_the_same_queries_for_few_or_many_photos_and_items(client, django_assert_num_queries, count):
    HomeInstitutionFactory()
    article = ArticleFactory()
    for n in range(count):
        AgendaItem.objects.create(
            visit=article.visit, title=f"Item {n}", starts_at=datetime.datetime(2025, 10, 31, 10, tzinfo=datetime.UTC)
        )

    with django_assert_num_queries(5):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_an_article_missing_in_the_readers_language_falls_back_with_a_notice(client):
    article = ArticleFactory(title_en="Visit to XJU", title_ru="Визит в СУ", body_ru="<p>Текст</p>", slug="xju")

    chinese = client.get("/zh-hans/visits/xju/").content.decode()
    kazakh = client.get("/kk/visits/xju/").content.decode()
    english = client.get("/en/visits/xju/").content.decode()

    assert "English" in chinese and '<h1 lang="en">Visit to XJU</h1>' in chinese
    assert '<h1 lang="ru">Визит в СУ</h1>' in kazakh
    assert 'class="message"' not in english
    assert article.get_absolute_url() == "/en/visits/xju/"


def test_unpublished_articles_are_not_shown(client):
    ArticleFactory(slug="draft", is_published=False)

    assert client.get("/en/visits/draft/").status_code == 404


def test_the_partner_page_has_the_timeline_of_published_visits(client):
    xju = PartnerFactory(slug="xju")
    ArticleFactory(visit=VisitFactory(partners=[xju], title_en="Official visit to XJU"), slug="official")
    VisitFactory(
        partners=[xju],
        title_en="Working delegation",
        precision="year",
        starts_on=datetime.date(2026, 1, 1),
        ends_on=None,
    )

    html = client.get("/en/partners/xju/").content.decode()

    assert 'href="/en/visits/official/"' in html
    assert "Working delegation" not in html  # not published: no news about it yet


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("staff", 200), ("stranger", 404)])
def test_visit_documents_are_for_the_delegation_and_the_office(client, who, status):
    visit = VisitFactory()
    member = UserFactory(role="faculty")
    DelegationMember.objects.create(visit=visit, user=member)
    document = VisitDocument(visit=visit, kind="invitation")
    document.file.save("invitation.pdf", ContentFile(pdf_bytes()))
    client.force_login({"member": member, "staff": OfficeStaffFactory(), "stranger": UserFactory(role="faculty")}[who])

    response = client.get(f"/en/visits/documents/{document.pk}/")

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_public_calendar_lists_published_visits_with_exact_dates(client):
    ArticleFactory(visit=VisitFactory(title_en="Official visit to XJU", title="Official visit to XJU"))
    ArticleFactory(visit=VisitFactory(title_en="Unpublished", title="Unpublished"), is_published=False)

    response = client.get("/en/visits/calendar.ics")

    calendar = Calendar.from_ical(response.content)
    events = [event for event in calendar.walk("VEVENT")]
    assert response["Content-Type"].startswith("text/calendar")
    assert [str(event["SUMMARY"]) for event in events] == ["Official visit to XJU"]
    assert events[0].decoded("DTSTART") == datetime.date(2025, 10, 29)
    assert events[0].decoded("DTEND") == datetime.date(2025, 11, 3)


def test_a_private_calendar_has_the_members_visits_and_programme_until_its_address_is_renewed(client):
    staff = StaffFactory()
    visit = VisitFactory(title_en="Official visit", title="Official visit")
    DelegationMember.objects.create(visit=visit, user=staff)
    AgendaItem.objects.create(
        visit=visit, title="Seminar", starts_at=datetime.datetime(2025, 10, 31, 4, tzinfo=datetime.UTC)
    )
    VisitFactory(title_en="Somebody else's", title="Somebody else's")
    old = renew_calendar_feed(staff).token

    calendar = Calendar.from_ical(client.get(f"/en/visits/calendar/{old}.ics").content)
    new = renew_calendar_feed(staff).token

    assert sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT")) == ["Official visit", "Seminar"]
    assert client.get(f"/en/visits/calendar/{old}.ics").status_code == 404
    assert client.get(f"/en/visits/calendar/{new}.ics").status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_staff_see_and_renew_their_calendar_address(client):
    staff = OfficeStaffFactory()
    client.force_login(staff)

    client.post("/en/visits/calendar/renew/")
    page = client.get("/en/visits/calendar/").content.decode()

    assert f"/en/visits/calendar/{staff.calendar_feed.token}.ics" in page
    assert Visit.objects.count() == 0


@pytest.mark.parametrize("count", [1, 10])
def test_the_public_calendar_costs_the_same_queries_for_few_or_many_visits(client, django_assert_num_queries, count):
    for _ in range(count):
        ArticleFactory()

    with django_assert_num_queries(1):
        assert client.get("/en/visits/calendar.ics").status_code == 200


def test_a_private_calendar_gives_programme_times_in_the_time_zone_of_the_place(client):
    staff = StaffFactory()
    visit = VisitFactory(time_zone="Asia/Urumqi")
    DelegationMember.objects.create(visit=visit, user=staff)
    AgendaItem.objects.create(
        visit=visit, title="Seminar", starts_at=datetime.datetime(2025, 10, 31, 4, tzinfo=datetime.UTC)
    )

    ics = client.get(f"/en/visits/calendar/{renew_calendar_feed(staff).token}.ics").content.decode()

    assert "DTSTART;TZID=Asia/Urumqi:20251031T100000" in ics
    assert "BEGIN:VTIMEZONE" in ics


EMBARGOED = datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)


def test_an_embargoed_article_stays_off_every_public_page_until_its_date(client):
    xju = PartnerFactory(slug="xju")
    ArticleFactory(
        slug="embargoed",
        title_en="Embargoed news",
        title="Embargoed news",
        visit=VisitFactory(partners=[xju], title_en="Embargoed visit", title="Embargoed visit", status="reported"),
        published_at=EMBARGOED,
    )

    pages = [client.get(path) for path in ("/en/", "/en/visits/", "/en/partners/xju/", "/en/visits/calendar.ics")]

    for page in pages:
        assert page.status_code == 200
        assert "Embargoed" not in page.content.decode()
    assert client.get("/en/visits/embargoed/").status_code == 404


def test_an_embargoed_article_appears_once_its_date_has_come(client):
    xju = PartnerFactory(slug="xju")
    article = ArticleFactory(
        slug="embargoed", visit=VisitFactory(partners=[xju], title_en="Embargoed visit"), published_at=EMBARGOED
    )
    NewsArticle.objects.filter(pk=article.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))

    assert client.get("/en/visits/embargoed/").status_code == 200
    assert 'href="/en/visits/embargoed/"' in client.get("/en/visits/").content.decode()
    assert 'href="/en/visits/embargoed/"' in client.get("/en/partners/xju/").content.decode()


def test_a_visit_known_by_its_month_is_dated_by_its_month_on_the_news_pages(client):
    ArticleFactory(
        slug="spring",
        visit=VisitFactory(precision="month", starts_on=datetime.date(2024, 5, 1), ends_on=None, status="completed"),
    )

    for path in ("/en/visits/", "/en/visits/spring/"):
        html = client.get(path).content.decode()
        assert '<time datetime="2024-05">May 2024</time>' in html
        assert "2024-05-01" not in html and "May 1, 2024" not in html


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


def test_an_article_shows_its_only_photo_even_without_a_cover(client):
    article = ArticleFactory(slug="one-photo")
    photo = Photo(visit=article.visit, alt_text_en="Signing the memorandum", alt_text="Signing the memorandum")
    photo.image.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)

    html = client.get("/en/visits/one-photo/").content.decode()

    assert 'alt="Signing the memorandum"' in html
