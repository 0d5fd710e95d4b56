import re

import pytest

from config.models import HomeInstitution
from tests.factories import HomeInstitutionFactory, PartnerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


def test_admin_loads_every_script_and_stylesheet_from_the_portal_itself(staff_client):
    home = HomeInstitutionFactory()

    html = staff_client.get(f"/en/admin/config/homeinstitution/{home.pk}/change/").content.decode()

    assert "jquery-ui.min.js" in html  # the translation tabs
    for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
        assert url.startswith("/"), url
        assert not url.startswith("//"), url


def test_admin_edits_one_language_of_a_translated_field_without_touching_the_others(staff_client):
    home = HomeInstitutionFactory(name_zh_hans="", city_ru="Шымкент")
    data = {
        f"{field}_{lang}": getattr(home, f"{field}_{lang}") or ""
        for field in ("name", "short_name", "welcome", "city", "address", "phone_label")
        for lang in ("kk", "ru", "en", "zh_hans")
    }
    data |= {"postcode": home.postcode, "phone": home.phone, "email": home.email, "info_email": home.info_email}
    data |= {"country": "KZ"}
    data |= {"website": "", "name_zh_hans": "M. 奥埃佐夫南哈萨克斯坦大学"}

    response = staff_client.post(f"/en/admin/config/homeinstitution/{home.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    home.refresh_from_db()
    assert home.name_zh_hans == "M. 奥埃佐夫南哈萨克斯坦大学"
    assert home.name_ru == "Южно-Казахстанский университет имени М. Ауэзова"
    assert home.city_ru == "Шымкент"


def test_there_is_only_ever_one_home_university(staff_client):
    HomeInstitutionFactory()

    assert staff_client.get("/en/admin/config/homeinstitution/add/").status_code == 403
    assert HomeInstitution.objects.count() == 1


@pytest.mark.parametrize("count", [1, 10])
def test_user_list_costs_the_same_queries_for_few_or_many_users(staff_client, django_assert_num_queries, count):
    UserFactory.create_batch(count)

    with django_assert_num_queries(9):  # the session comes from the cache
        response = staff_client.get("/en/admin/accounts/user/")

    assert response.status_code == 200


def test_admin_speaks_the_language_of_its_url(staff_client):
    html = staff_client.get("/kk/admin/").content.decode()

    assert '<html lang="kk"' in html
    assert "Халықаралық ынтымақтастық бөлімі" in html


def test_only_those_who_may_change_a_record_revert_it_from_its_history(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    partner = PartnerFactory(name_en="Old name")
    partner.name_en = "New name"
    partner.save()
    url = f"/en/admin/partnerships/partner/{partner.pk}/history/{partner.history.last().history_id}/"
    form = {"name_en": "Old name", "slug": partner.slug, "country": "CN", "kind": partner.kind}
    form |= {"status": partner.status, "is_public": "on", "_save": "Save"}

    client.force_login(UserFactory(role="faculty"))  # may view partners, not change them
    faculty = client.post(url, form)
    partner.refresh_from_db()
    kept = partner.name_en
    client.force_login(StaffFactory())
    office = client.post(url, form)
    partner.refresh_from_db()

    assert faculty.status_code == 403
    assert kept == "New name"
    assert office.status_code == 302
    assert partner.name_en == "Old name"


def test_a_signed_in_admin_page_has_one_theme_toggle(staff_client):
    html = staff_client.get("/en/admin/").content.decode()

    assert html.count('class="theme-toggle"') == 1  # in the user tools, as Django's own base_site.html
