import pytest

from tests.factories import HomeInstitutionFactory

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_home_university_from_the_database(client):
    HomeInstitutionFactory(phone="(8-725-2) 21-01-41", email="canselyarya@mail.ru")

    html = client.get("/en/").content.decode()

    assert "M. Auezov South Kazakhstan University" in html
    assert "160012" in html
    assert "(8-725-2) 21-01-41" in html
    assert 'href="mailto:canselyarya@mail.ru"' in html


def test_home_page_without_a_home_university_still_renders(client):
    response = client.get("/zh-hans/")

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/en/"])
def test_public_pages_cost_one_query_for_an_anonymous_visitor(client, django_assert_num_queries, path):
    HomeInstitutionFactory()

    with django_assert_num_queries(1):
        response = client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/en/", "/en/partners/", "/en/programs/", "/en/visits/", "/en/mobility/"])
def test_public_pages_have_navigation_and_a_skip_link(client, path):
    html = client.get(path).content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<nav class="main-nav" aria-label="Main">' in html
    assert '<main id="main"' in html
