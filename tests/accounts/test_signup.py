import re

import pytest
from django.core import mail

from accounts.models import User
from tests.factories import HomeInstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, language="en", **overrides):
    data = {
        "full_name": "Айгүл Серікқызы",
        "email": "aigul@kopir.example",
        "role": "student",
        "password1": "Shymkent-Urumqi-2026",
        "password2": "Shymkent-Urumqi-2026",
        **overrides,
    }
    return client.post(f"/{language}/accounts/signup/", data)


def test_student_signs_up_confirms_the_email_and_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, language="kk")

    assert response.status_code == 302
    user = User.objects.get(email="aigul@kopir.example")
    assert (user.role, user.language, user.full_name) == ("student", "kk", "Айгүл Серікқызы")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aigul@kopir.example"]
    assert "Электрондық пошта" in message.subject  # written in Kazakh, the language the student signed up in
    confirm_url = re.search(r"https?://[^/\s]+(/kk/accounts/confirm-email/\S+/)", message.body).group(1)

    assert client.get("/kk/").context["user"].is_anonymous
    client.post(confirm_url)
    assert client.get("/kk/").context["user"] == user

    client.post("/kk/accounts/logout/")
    assert client.get("/kk/").context["user"].is_anonymous

    login = client.post("/kk/accounts/login/", {"login": "aigul@kopir.example", "password": "Shymkent-Urumqi-2026"})
    assert login.status_code == 302
    assert client.get("/kk/").context["user"] == user


def test_sign_in_is_refused_until_the_email_is_confirmed(client):
    sign_up(client)
    assert client.get("/en/").context["user"].is_anonymous
    client.post("/en/accounts/logout/")

    response = client.post("/en/accounts/login/", {"login": "aigul@kopir.example", "password": "Shymkent-Urumqi-2026"})

    assert response["Location"] == "/en/accounts/confirm-email/"
    assert client.get("/en/").context["user"].is_anonymous


def test_faculty_members_sign_up_with_their_university_address(client):
    HomeInstitutionFactory(staff_email_domains="auezov.edu.kz, ukgu.kz")

    sign_up(client, role="faculty", email="teacher@AUEZOV.edu.kz")

    assert User.objects.get().role == User.Role.FACULTY


def test_nobody_becomes_faculty_with_an_address_outside_the_university(client):
    HomeInstitutionFactory(staff_email_domains="auezov.edu.kz")

    response = sign_up(client, role="faculty", email="teacher@gmail.com")

    assert "@auezov.edu.kz" in response.context["form"].errors["email"][0]
    assert not User.objects.exists()


def test_nobody_can_sign_up_as_office_staff(client):
    response = sign_up(client, role="staff")

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.exists()


def test_an_email_already_registered_in_other_letter_case_cannot_sign_up_again(client):
    UserFactory(email="aigul@kopir.example")

    sign_up(client, email="AIGUL@kopir.example")

    assert User.objects.count() == 1


def test_emails_to_a_user_are_written_in_the_users_preferred_language(client, django_capture_on_commit_callbacks):
    UserFactory(email="jin@kopir.example", language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "jin@kopir.example"})

    assert len(mail.outbox) == 1
    assert "密码" in mail.outbox[0].subject


def test_staff_and_faculty_roles_give_admin_access_and_students_do_not():
    assert UserFactory(role=User.Role.STAFF).is_staff
    assert UserFactory(role=User.Role.FACULTY).is_staff
    assert not UserFactory(role=User.Role.STUDENT).is_staff
