"""Anonymous public pages come from the cache (config.pagecache): always current, never another reader's."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from config.pagecache import CachedPageMiddleware, cached_page
from tests.factories import (
    ArticleFactory,
    CallFactory,
    HomeInstitutionFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en", "zh-hans"]
NAMES = {
    "kk": ("Шыңжаң университеті", "Шыңжаң ұлттық университеті"),
    "ru": ("Синьцзянский университет", "Синьцзянский национальный университет"),
    "en": ("Xinjiang University", "Xinjiang National University"),
    "zh-hans": ("新疆大学", "新疆国立大学"),
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def column(language):
    return f"name_{language.replace('-', '_')}"


@pytest.fixture
def xinjiang():
    HomeInstitutionFactory()
    return PartnerFactory(slug="xinjiang-university", **{column(code): NAMES[code][0] for code in LANGUAGES})


def from_cache(response):
    """A page served from the cache was not rendered by this request: the test client saw no template."""
    return response.context is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cached_page_changes_on_the_next_request_after_a_staff_edit(
    client, xinjiang, language, django_capture_on_commit_callbacks
):
    page = f"/{language}/partners/xinjiang-university/"
    first, second = client.get(page), client.get(page)
    assert not from_cache(first) and from_cache(second)
    old, new = NAMES[language]
    assert old in second.content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # as an edit in the admin: saved, then committed
        setattr(xinjiang, column(language), new)
        xinjiang.save()
    after = client.get(page)

    assert new in after.content.decode()
    assert from_cache(client.get(page))  # and cached again
    assert new in client.get(f"/{language}/partners/").content.decode()  # the directory too


@pytest.mark.parametrize(
    "address",
    ["/en/", "/en/partners/", "/en/partners/?country=CN", "/en/programs/", "/en/visits/", "/en/mobility/"],
)
def test_each_public_page_comes_from_the_cache_with_no_query(client, xinjiang, address, django_assert_num_queries):
    CallFactory(partners=[xinjiang])
    ArticleFactory()
    assert client.get(address).status_code == 200

    with django_assert_num_queries(0):
        again = client.get(address)

    assert again.status_code == 200 and from_cache(again)
    assert again["Cache-Control"] == "private"
    assert "Cookie" in again["Vary"]


def test_a_new_call_shows_on_the_list_and_its_host_page(client, xinjiang):
    client.get("/en/mobility/"), client.get("/ru/partners/xinjiang-university/")

    CallFactory(partners=[xinjiang], title_en="Spring semester in Urumqi")

    assert "Spring semester in Urumqi" in client.get("/en/mobility/").content.decode()


def test_a_signed_in_reader_never_receives_the_cached_anonymous_page(client, xinjiang):
    page = "/en/partners/xinjiang-university/"
    Client().get(page), Client().get(page)  # cached for anonymous readers
    student = UserFactory(email="aruzhan@kopir.example")
    client.force_login(student)

    response = client.get(page)

    html = response.content.decode()
    assert not from_cache(response)
    assert "Sign out" in html and "Sign up" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_signed_in_reader_never_receives_a_cached_page_in_any_language(client, xinjiang, language):
    student = UserFactory(email="aruzhan@kopir.example", full_name="Aruzhan Bekova")
    client.force_login(student)
    for address in (f"/{language}/", f"/{language}/partners/", f"/{language}/partners/xinjiang-university/"):
        Client().get(address), Client().get(address)  # cached for anonymous readers

        response = client.get(address)

        assert not from_cache(response)
        assert response.context["user"] == student
        assert "/accounts/logout/" in response.content.decode()
        assert "/accounts/signup/" not in response.content.decode()


def test_a_reader_whose_session_has_ended_gets_the_anonymous_page_with_their_own_token(client, xinjiang):
    page = "/en/partners/xinjiang-university/"
    Client().get(page)
    client.cookies["sessionid"] = "an-ended-session"

    response = client.get(page)

    assert from_cache(response)  # by the view, once the session is found to be anonymous
    assert "/accounts/signup/" in response.content.decode()
    assert len(set(TOKEN.findall(response.content.decode()))) == 1


def test_an_anonymous_reader_never_receives_a_signed_in_page(client, xinjiang):
    staff = StaffFactory(email="office@kopir.example", full_name="Aigerim Seitkali")
    signed_in = Client()
    signed_in.force_login(staff)
    for _ in range(2):
        assert "Aigerim Seitkali" in signed_in.get("/en/partners/xinjiang-university/").content.decode()

    html = client.get("/en/partners/xinjiang-university/").content.decode()

    assert "Aigerim Seitkali" not in html
    assert "Sign out" not in html and "Sign up" in html


def test_each_reader_of_a_cached_page_gets_a_csrf_token_of_their_own_that_works(xinjiang):
    page = "/en/partners/xinjiang-university/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered = first.get(page)

    served = second.get(page)

    assert from_cache(served)
    tokens = set(TOKEN.findall(served.content.decode()))
    assert len(tokens) == 1  # the language switcher's, the typo dialog's: the reader's own token
    assert not tokens & set(TOKEN.findall(rendered.content.decode()))
    token = tokens.pop()
    switched = second.post("/i18n/setlang/", {"language": "ru", "next": page, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    typo = {"url": page, "selection": "Xinjiang", "context": "Xinjiang University", "comment": ""}
    assert second.post("/en/visits/typo/", {**typo, "csrfmiddlewaretoken": token}).status_code == 201
    assert second.post("/en/visits/typo/", typo).status_code == 403  # without it, refused as before


def test_a_reader_with_a_csrf_cookie_keeps_it_and_their_token_works(xinjiang):
    page = "/en/partners/xinjiang-university/"
    Client().get(page)
    reader = Client(enforce_csrf_checks=True)
    first = reader.get(page)
    cookie = first.cookies["csrftoken"].value

    again = reader.get(page)

    assert from_cache(first) and from_cache(again)
    assert again.cookies["csrftoken"].value == cookie  # the cookie they have is kept (renewed, as Django does)
    token = TOKEN.search(again.content.decode()).group(1)
    typo = {"url": page, "selection": "Xinjiang", "context": "Xinjiang University", "comment": ""}
    assert reader.post("/en/visits/typo/", {**typo, "csrfmiddlewaretoken": token}).status_code == 201


def test_a_cached_page_has_the_headers_of_a_rendered_one(xinjiang):
    page = "/en/partners/xinjiang-university/"

    rendered, served = Client().get(page), Client().get(page)

    assert not from_cache(rendered) and from_cache(served)
    assert {**served.headers, "X-Request-ID": ""} == {**rendered.headers, "X-Request-ID": ""}
    assert served["Content-Language"] == "en" and served["X-Frame-Options"] == "DENY"
    assert served["Content-Security-Policy"] and served["Vary"] == "Cookie" and served["Cache-Control"] == "private"
    assert int(served["Content-Length"]) == len(served.content)
    assert list(served.cookies) == list(rendered.cookies) == ["csrftoken"]  # each reader's own CSRF cookie
    assert served.cookies["csrftoken"].value != rendered.cookies["csrftoken"].value


class Page:
    """A cached page behind CachedPageMiddleware, counting its renderings; it may set a cookie."""

    def __init__(self, cookie=False):
        self.renderings = 0
        self.cookie = cookie
        self.middleware = CachedPageMiddleware(cached_page()(self.render))

    def render(self, request):
        self.renderings += 1
        response = HttpResponse(f"rendering {self.renderings}")
        if self.cookie:
            response.set_cookie("seen", "1")
        return response

    def __call__(self, method="get", user=None, notices=(), **cookies):
        request = getattr(RequestFactory(), method)("/en/a-page/")
        request.COOKIES.update(cookies)
        request.user = user or AnonymousUser()
        request._messages = list(notices)
        with translation.override("en"):
            return self.middleware(request)


@pytest.fixture
def site(db):
    HomeInstitutionFactory()


def test_a_page_is_served_from_the_cache_by_the_middleware(site):
    page = Page()

    contents = [page().content for _ in range(3)]

    assert page.renderings == 1 and contents == [b"rendering 1"] * 3


def test_a_post_is_never_answered_from_nor_kept_in_the_cache(site):
    page = Page()
    page()

    posts = [page("post").content for _ in range(2)]

    assert posts == [b"rendering 2", b"rendering 3"]
    assert page().content == b"rendering 1"  # the GET's stored page, untouched by the posts


def test_a_response_that_sets_a_cookie_is_never_kept(site):
    page = Page(cookie=True)

    responses = [page() for _ in range(2)]

    assert [response.content for response in responses] == [b"rendering 1", b"rendering 2"]
    assert all("seen" in response.cookies for response in responses)


def test_a_reader_with_a_session_or_a_notice_cookie_is_never_answered_by_the_middleware(site):
    page = Page()
    page()
    signed_in = UserFactory()
    notice = Message(constants.INFO, "You have signed out.")

    with_session = page(user=signed_in, sessionid="their-session")
    with_notice = page(notices=[notice], messages="their-notice")

    # Let through to the view, which renders for a signed-in reader and for a notice to show.
    assert [with_session.content, with_notice.content] == [b"rendering 2", b"rendering 3"]
    assert page().content == b"rendering 1"


def test_a_notice_for_one_reader_is_neither_served_from_nor_kept_in_the_cache(client, xinjiang):
    client.get("/en/"), client.get("/en/")
    storage = CookieStorage(RequestFactory().get("/en/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.INFO, "You have signed out.")])

    with_notice = client.get("/en/")

    assert not from_cache(with_notice)
    assert "You have signed out." in with_notice.content.decode()
    assert "You have signed out." not in Client().get("/en/").content.decode()


def test_a_cached_call_page_closes_on_time(client, xinjiang):
    closes_at = datetime.datetime(2026, 3, 1, 18, tzinfo=datetime.UTC)
    with time_machine.travel(closes_at - datetime.timedelta(hours=1), tick=False):
        call = CallFactory(partners=[xinjiang], opens_at=closes_at - datetime.timedelta(days=20), closes_at=closes_at)
        page = call.get_absolute_url()
        open_page = client.get(page).content.decode()
        assert from_cache(client.get(page))
        assert "to apply." in open_page
        assert [c.title_en for c in client.get("/en/mobility/").context["page"]] == [call.title_en]
    with time_machine.travel(closes_at + datetime.timedelta(seconds=1), tick=False):
        closed = client.get(page)
        listing = client.get("/en/mobility/")

    assert not from_cache(closed)
    assert "Applications are not accepted now." in closed.content.decode()
    assert call.title_en not in listing.content.decode()


def test_with_redis_down_the_pages_still_serve_and_stay_current(client, xinjiang, redis_server, portal_cache):
    portal_cache(redis_server.url)
    page = "/en/partners/xinjiang-university/"
    assert client.get(page).status_code == 200
    redis_server.stop()

    down = [client.get(page) for _ in range(2)]
    xinjiang.name_en = "Xinjiang National University"
    xinjiang.save()
    after = client.get(page)

    assert [response.status_code for response in down] == [200, 200]
    assert "Xinjiang National University" in after.content.decode()
    assert not any(from_cache(response) for response in [*down, after])  # rendered afresh while down


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_signed_in_page_shows_the_home_university_from_the_cache_and_its_change_at_once(
    client, language, django_capture_on_commit_callbacks
):
    home = HomeInstitutionFactory()
    client.force_login(UserFactory(email="aruzhan@kopir.example"))
    page = f"/{language}/notifications/"
    client.get(page)
    column = f"name_{language.replace('-', '_')}"

    with CaptureQueriesContext(connection) as queries:
        again = client.get(page)

    assert getattr(home, column) in again.content.decode()
    assert not [query for query in queries.captured_queries if "config_homeinstitution" in query["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        setattr(home, column, f"{getattr(home, column)} (renamed)")
        home.save()
    assert f"{getattr(home, column)}" in client.get(page).content.decode()


def test_the_language_switcher_links_each_language_version_of_the_address(client, xinjiang):
    html = client.get("/ru/partners/?country=CN").content.decode()

    for language in LANGUAGES:
        assert f'value="/{language}/partners/?country=CN"' in html
