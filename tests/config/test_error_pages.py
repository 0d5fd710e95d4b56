"""The portal's error pages with DEBUG off: the reader's language, the site's layout, and 500 and 503 without a
single database query (the database may be what failed)."""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import connection
from django.urls import path

from config import urls as portal_urls

pytestmark = pytest.mark.urls("tests.config.test_error_pages")


def unreadable(request):
    raise BadRequest


def refused(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a defect")


urlpatterns = [path("unreadable/", unreadable), path("refused/", refused), path("broken/", broken)]
urlpatterns += portal_urls.urlpatterns
handler400, handler404, handler500 = portal_urls.handler400, portal_urls.handler404, portal_urls.handler500


@pytest.fixture
def reader(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/unreadable/", 400, "Неверный запрос"),
        ("/refused/", 403, "Доступ запрещён"),
        ("/ru/no-such-page/", 404, "Страница не найдена"),
        ("/broken/", 500, "Ошибка сервера"),
    ],
)
def test_error_pages_speak_the_readers_language_in_the_sites_layout(reader, path, status, title):
    response = reader.get(path)

    html = response.content.decode()
    assert response.status_code == status
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert '<html lang="ru">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "На главную" in html


@pytest.mark.django_db
def test_the_server_error_page_reads_nothing_from_the_database(reader, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = reader.get("/broken/")

    assert response.status_code == 500


@pytest.mark.django_db(transaction=True)
def test_a_database_out_of_reach_answers_503_in_the_readers_language(reader):
    reachable = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/directory/db.sqlite3"
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens there
    try:
        response = reader.get("/ru/partners/")
    finally:
        connection.close()
        connection.settings_dict.update(reachable)

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert '<h1 id="error-title">Временно недоступно</h1>' in html
    assert 'class="site-header"' in html
