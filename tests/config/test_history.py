import pytest
from django.core.exceptions import ValidationError

from config.history import save_with_history, upsert_with_history
from config.models import HomeInstitution
from config.services import describe_home_institution
from partnerships.models import Campus
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_save_with_history_keeps_who_and_why_and_upsert_never_adds_twice():
    staff = StaffFactory()

    first = upsert_with_history(Campus, lookup={"partner": None, "name_en": "Main"}, values={"city": "A"}, by=staff)
    again = upsert_with_history(Campus, lookup={"partner": None, "name_en": "Main"}, values={"city": "B"}, by=staff)

    assert first.pk == again.pk and Campus.objects.count() == 1
    rows = list(again.history.order_by("history_id").values_list("history_user", "history_change_reason", "city"))
    assert rows == [(staff.pk, "Added", "A"), (staff.pk, "Changed", "B")]


def test_save_with_history_refuses_what_the_form_refuses_and_saves_nothing():
    with pytest.raises(ValidationError) as refused:
        save_with_history(Campus(partner=None), by=None, values={"name_en": "x" * 300})

    assert "name_en" in refused.value.message_dict
    assert not Campus.objects.exists()


def test_describe_home_institution_keeps_one_record_with_its_history():
    staff = StaffFactory()
    values = {"name_en": "Auezov University", "name": "Auezov University", "email": "info@auezov.example"}

    describe_home_institution(values=values, by=staff)
    home = describe_home_institution(values={**values, "phone": "21-01-41"}, by=staff)

    assert HomeInstitution.objects.count() == 1 and home.phone == "21-01-41"
    assert set(home.history.values_list("history_user", flat=True)) == {staff.pk}
    with pytest.raises(ValidationError) as refused:
        describe_home_institution(values={"email": "not an address"}, by=staff)
    assert "email" in refused.value.message_dict
