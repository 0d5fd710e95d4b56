"""What every endpoint shares: languages and fallbacks, conditional requests, caching, CORS and rate limits."""

import datetime
import shutil
import socket
import subprocess
import time

import pytest
from django.utils import timezone

from tests.factories import PartnerFactory
from tests.helpers import skip_or_fail

pytestmark = pytest.mark.django_db
ORIGIN = "https://www.example.edu.kz"


@pytest.fixture
def xju(db):
    return PartnerFactory(
        slug="xju",
        name_en="Xinjiang University",
        name_ru="Синьцзянский университет",
        name_zh_hans="新疆大学",
        description_en="A comprehensive university in Urumqi.",
    )


def detail(client, query="", **headers):
    return client.get(f"/api/v1/partners/xju/{query}", **headers)


# ---------------------------------------------------------------- languages


def test_each_text_falls_back_along_the_portals_chain_and_says_so(client, xju):
    kazakh = detail(client, "?lang=kk").json()
    chinese = detail(client, "?lang=zh-hans").json()

    assert kazakh["name"] == "Синьцзянский университет"  # kk falls back to ru first
    assert kazakh["description"] == "A comprehensive university in Urumqi."  # then to en
    assert kazakh["fallbacks"] == {"name": "ru", "description": "en"}
    assert kazakh["kind_label"] == "Университет"  # labels are always in the requested language
    assert chinese["name"] == "新疆大学"
    assert chinese["fallbacks"] == {"description": "en"}
    assert chinese["country_name"] == "中国"


def test_english_falls_back_to_russian(client):
    PartnerFactory(slug="ru-only", name_en="", name="", name_ru="Казанский университет")

    body = client.get("/api/v1/partners/ru-only/?lang=en").json()

    assert body["name"] == "Казанский университет"
    assert body["fallbacks"] == {"name": "ru"}


@pytest.mark.parametrize(
    ("accept", "language"),
    [("zh-CN,zh;q=0.9", "zh-hans"), ("fr, kk;q=0.5", "kk"), ("ru-RU", "ru"), ("*", "en"), ("", "en"), ("xx", "en")],
)
def test_accept_language_chooses_the_language_without_lang(client, xju, accept, language):
    response = detail(client, HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    assert response["Content-Language"] == language


def test_lang_wins_over_accept_language(client, xju):
    response = detail(client, "?lang=ru", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response["Content-Language"] == "ru"
    assert response.json()["name"] == "Синьцзянский университет"
    assert "Accept-Language" in response["Vary"]


# ---------------------------------------------------------------- conditional requests and caching


def test_an_unchanged_answer_is_not_sent_again(client, xju):
    first = detail(client)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_etag = detail(client, HTTP_IF_NONE_MATCH=etag)
    by_date = detail(client, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=300"
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_etag["ETag"] == etag
    assert by_date.status_code == 304


def test_a_changed_answer_gets_a_new_etag_and_a_later_date(client, xju, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = detail(client)
    time_machine.shift(datetime.timedelta(seconds=5))
    xju.name_en = "Xinjiang University (Urumqi)"
    xju.save()

    by_etag = detail(client, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = detail(client, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 200 and by_etag["ETag"] != first["ETag"]
    assert by_date.status_code == 200
    assert by_date["Last-Modified"] != first["Last-Modified"]
    assert detail(client, HTTP_IF_MODIFIED_SINCE=by_date["Last-Modified"]).status_code == 304


def test_each_language_has_its_own_etag(client, xju):
    assert detail(client, "?lang=ru")["ETag"] != detail(client, "?lang=en")["ETag"]
    assert detail(client, "?lang=ru", HTTP_IF_NONE_MATCH=detail(client, "?lang=en")["ETag"]).status_code == 200


def test_lists_are_conditional_too(client, xju):
    first = client.get("/api/v1/partners/")

    assert client.get("/api/v1/partners/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    PartnerFactory(slug="another")
    assert client.get("/api/v1/partners/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# ---------------------------------------------------------------- CORS


def test_a_listed_website_may_read_the_public_api(client, settings, xju):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]

    allowed = detail(client, HTTP_ORIGIN=ORIGIN)
    other = detail(client, HTTP_ORIGIN="https://elsewhere.example")
    page = client.get("/en/partners/", HTTP_ORIGIN=ORIGIN)

    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in page  # the portal's own pages are not shared


def test_a_browser_on_another_site_may_not_send_a_token(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]

    def preflight(headers):
        return client.options(
            "/api/v1/partners/",
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
        )

    language = preflight("accept-language, if-none-match")
    token = preflight("authorization")

    assert language.status_code == 200
    assert "accept-language" in language["Access-Control-Allow-Headers"]
    assert "authorization" not in token["Access-Control-Allow-Headers"]
    assert language["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_without_listed_websites_nothing_is_shared(client, settings, xju):
    settings.CORS_ALLOWED_ORIGINS = []

    assert "Access-Control-Allow-Origin" not in detail(client, HTTP_ORIGIN=ORIGIN)


# ---------------------------------------------------------------- rate limits


def throttle(settings, public="1000/minute", token="1000/minute"):  # noqa: S107 (rates, not passwords)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public": public, "token": token}}


def test_too_many_requests_from_one_address_get_429_with_retry_after(client, settings, xju):
    throttle(settings, public="2/minute")

    answers = [detail(client, "?lang=kk") for _ in range(3)]
    elsewhere = detail(client, REMOTE_ADDR="10.0.0.2")

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "throttled"
    assert answers[2]["Content-Language"] == "kk"
    assert 0 < int(answers[2]["Retry-After"]) <= 60
    assert elsewhere.status_code == 200


def test_tokens_are_limited_each_on_its_own(client, settings, issue, bearer):
    throttle(settings, token="2/minute")
    _first, one = issue()
    _second, two = issue()

    answers = [client.get("/api/v1/mobilities/", **bearer(one)).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert client.get("/api/v1/mobilities/", **bearer(two)).status_code == 200


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(settings):
    """A Redis of this test's own, pointed at by the cache, that the test may stop."""
    binary = shutil.which("redis-server")
    if not binary:
        skip_or_fail("The outage test needs redis-server (apt-get install redis-server).")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield server
    settings.CACHES = original
    if server.poll() is None:
        server.terminate()
    server.wait(timeout=10)


def test_when_redis_is_down_the_api_answers_without_limits_instead_of_failing(client, settings, xju, own_redis):
    throttle(settings, public="2/minute")
    before = [detail(client) for _ in range(3)]

    own_redis.terminate()
    own_redis.wait(timeout=10)
    during = [detail(client) for _ in range(3)]

    assert [answer.status_code for answer in before] == [200, 200, 429]
    assert "Last-Modified" in before[0]
    assert [answer.status_code for answer in during] == [200, 200, 200]
    assert "Last-Modified" not in during[0]  # unknown without the cache; the ETag still works
    assert detail(client, HTTP_IF_NONE_MATCH=during[0]["ETag"]).status_code == 304
