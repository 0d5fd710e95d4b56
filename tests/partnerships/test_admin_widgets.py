"""The admin's widgets speak people: named EQF levels, a CEFR select, ISCED fields by name, academic years picked
from a list, history changes in words."""

import datetime
import re

import pytest

from partnerships.forms import ConditionForm, academic_years
from partnerships.models import CooperationCondition, IscedField, Partner
from tests.factories import ActiveAgreementFactory, PartnerFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_academic_years_are_offered_around_the_current_one_which_starts_in_september():
    years = academic_years(datetime.date(2026, 8, 31))

    assert years[0] == "2020/2021" and years[-1] == "2030/2031"
    assert "2025/2026" in years
    assert academic_years(datetime.date(2026, 9, 1))[5] == "2026/2027"


def test_a_condition_shows_eqf_levels_by_name_cefr_and_academic_years_as_choices(staff_client):
    agreement = ActiveAgreementFactory()
    partner = agreement.partners.first()
    field, _new = IscedField.objects.get_or_create(
        code="0613", defaults={"name_en": "Software development", "name_ru": "Разработка ПО", "name": "Software"}
    )
    condition = CooperationCondition.objects.create(
        agreement=agreement,
        mobility_type="student_studies",
        sending_partner=partner,
        academic_year_from="2015/2016",
        academic_year_to="2026/2027",
        places_per_year=2,
        eqf_levels=[6, 7],
        cefr_level="B2",
    )
    condition.fields_of_education.add(field)

    html = staff_client.get(f"/ru/admin/partnerships/agreement/{agreement.pk}/change/").content.decode()

    checked = re.findall(r'<input type="checkbox" name="conditions-0-eqf_levels" value="(\d)"[^>]*checked', html)
    assert checked == ["6", "7"]
    assert "Уровень 7: магистратура" in html and "[6, 7]" not in html
    year_from = re.search(r'<select name="conditions-0-academic_year_from".*?</select>', html, re.S).group()
    assert '<option value="2015/2016" selected>2015/2016</option>' in year_from  # kept though long past
    assert '<option value="2025/2026">2025/2026</option>' in year_from
    assert re.search(r'<select name="conditions-0-cefr_level"', html)
    assert f"0613 {field.name_ru}" in html and field.name_ru != field.name_en


def test_the_condition_form_still_refuses_what_the_model_refuses():
    form = ConditionForm(
        data={
            "mobility_type": "student_studies",
            "academic_year_from": "2026/2027",
            "academic_year_to": "2025/2027",
            "places_per_year": 1,
            "eqf_levels": ["6", "9"],
        }
    )

    assert not form.is_valid()
    assert "eqf_levels" in form.errors
    assert "academic_year_to" in form.errors


def test_the_history_shows_a_status_move_and_changed_fields_in_words(staff_client):
    partner = PartnerFactory(status=Partner.Status.PROSPECTIVE, is_public=True)
    partner.status = Partner.Status.ACTIVE
    partner.is_public = False
    partner.save()

    html = staff_client.get(f"/ru/admin/partnerships/partner/{partner.pk}/history/").content.decode()

    changes = re.sub(r"\s+", " ", re.sub(r"&nbsp;|&rarr;", " ", html))
    assert re.search(r"<strong>Статус:</strong> Перспективный\s+Активный", changes), changes[-3000:]
    assert re.search(r"<strong>[^<]+:</strong> Да\s+Нет", changes)
    assert "prospective" not in changes
