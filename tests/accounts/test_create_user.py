import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import create_user

pytestmark = pytest.mark.django_db


def test_create_user_adds_a_verified_person_once_and_keeps_the_password():
    values = {"full_name": "Дәурен Оспанов", "role": User.Role.STUDENT, "language": "kk"}

    user = create_user(email="dauren@kopir.example", values=values, password="kopir-demo")
    again = create_user(email="Dauren@kopir.example", values={**values, "language": "ru"}, password="other")

    assert again.pk == user.pk and User.objects.count() == 1
    again.refresh_from_db()
    assert again.language == "ru" and again.check_password("kopir-demo")
    assert EmailAddress.objects.get(user=user).verified


def test_create_user_without_a_password_cannot_sign_in_with_one():
    user = create_user(email="guest@kopir.example", values={"role": User.Role.STUDENT})

    assert not user.has_usable_password()


def test_create_user_refuses_a_bad_address_or_role():
    with pytest.raises(ValidationError) as refused:
        create_user(email="not an address", values={"role": "wizard"})

    assert {"email", "role"} <= set(refused.value.message_dict)
    assert not User.objects.exists()
