import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.factories import HomeInstitutionFactory

pytestmark = pytest.mark.django_db

NAV_PARTNERS = {"kk": "Серіктестер", "ru": "Партнёры", "en": "Partners", "zh-hans": "合作院校"}


@pytest.mark.parametrize(("language", "partners"), NAV_PARTNERS.items())
def test_home_page_renders_translated_ui_text_in_each_language(client, language, partners):
    response = client.get(f"/{language}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert partners in html
    for code, name in [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English"), ("zh-hans", "简体中文")]:
        assert f'lang="{code}"' in html
        assert f">{name}</button>" in html  # each language is offered in its own script


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("kk-KZ,kk;q=0.9", "/kk/"), ("ru-RU,ru;q=0.9,en;q=0.5", "/ru/"), ("zh-CN,zh;q=0.9", "/zh-hans/"), ("en", "/en/")],
)
def test_root_redirects_by_the_browsers_accept_language(client, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language})

    assert response.status_code == 302
    assert response["Location"] == expected


def test_root_redirect_follows_the_language_the_visitor_chose_before(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"

    response = client.get("/", headers={"accept-language": "en"})

    assert response["Location"] == "/kk/"


def test_language_switcher_keeps_the_visitor_on_the_same_page(client, settings):
    page = client.get("/kk/partners/").content.decode()
    assert '<input type="hidden" name="next" value="/zh-hans/partners/">' in page
    assert 'name="language" value="zh-hans"' in page

    to_chinese = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/zh-hans/partners/"})
    assert to_chinese["Location"] == "/zh-hans/partners/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"

    chinese_page = client.get(to_chinese["Location"]).content.decode()
    assert '<input type="hidden" name="next" value="/kk/partners/">' in chinese_page

    back = client.post("/i18n/setlang/", {"language": "kk", "next": "/kk/partners/"})
    assert back["Location"] == "/kk/partners/"
    assert client.get(back["Location"]).status_code == 200


def test_fallback_content_carries_the_language_it_is_written_in(client):
    HomeInstitutionFactory(name_kk="", name_ru="Южно-Казахстанский университет", name_zh_hans="")

    kazakh = client.get("/kk/").content.decode()
    chinese = client.get("/zh-hans/").content.decode()
    russian = client.get("/ru/").content.decode()

    assert '<h1 id="hero-title" lang="ru">Южно-Казахстанский университет</h1>' in kazakh
    assert '<h1 id="hero-title" lang="en">M. Auezov South Kazakhstan University</h1>' in chinese
    assert '<h1 id="hero-title">Южно-Казахстанский университет</h1>' in russian


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "2025年10月29日"),
        ("kk", "2025 ж. 29 қазан"),
        ("ru", "29 октября 2025 г."),
        ("en", "Oct. 29, 2025"),
    ],
)
def test_dates_are_written_in_each_locales_own_format(language, expected):
    with translation.override(language):
        rendered = Template("{{ day|date }}").render(Context({"day": datetime.date(2025, 10, 29)}))

    assert rendered == expected


def test_every_page_links_its_other_language_versions(client):
    page = client.get("/ru/mobility/").content.decode()

    for language in NAV_PARTNERS:
        assert f'<link rel="alternate" hreflang="{language}" href="/{language}/mobility/">' in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "12345.5"), ("kk", "12\xa0345,5"), ("ru", "12\xa0345,5"), ("en", "12,345.5")],
)
def test_numbers_are_written_in_each_locales_own_format(language, expected):
    with translation.override(language):
        rendered = Template('{{ value|floatformat:"1g" }}').render(Context({"value": 12345.5}))

    assert rendered == expected
