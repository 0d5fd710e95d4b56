import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.factories import StaffFactory, UserFactory
from tests.helpers import current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, settings):
    """A client signed in as office staff (without the two-factor step, which has its own tests)."""
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


def test_staff_without_two_factor_cannot_reach_the_admin(client):
    client.force_login(StaffFactory())

    response = client.get("/en/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_staff_with_two_factor_reach_the_admin(client):
    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    assert client.get("/en/admin/").status_code == 200


def test_staff_reach_the_admin_without_two_factor_when_it_is_not_required(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())

    assert client.get("/kk/admin/").status_code == 200


def test_students_never_reach_the_admin(client):
    client.force_login(UserFactory())

    response = client.get("/en/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


def test_a_signed_in_student_sent_to_the_admin_is_refused_in_their_language_not_sent_round_in_a_loop(client):
    client.force_login(UserFactory())

    response = client.get("/kk/admin/", follow=True)

    assert response.status_code == 403
    assert response.redirect_chain == [("/kk/admin/login/?next=/kk/admin/", 302)]
    assert "Кіруге рұқсат жоқ" in response.content.decode()


def test_admin_sign_in_goes_through_the_portals_sign_in_with_its_second_factor(client):
    staff = StaffFactory(email="office@kopir.example")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    assert client.get("/en/admin/login/?next=/en/admin/")["Location"] == "/en/accounts/login/?next=/en/admin/"

    login = client.post(
        "/en/accounts/login/?next=/en/admin/",
        {"login": "office@kopir.example", "password": "correct horse battery staple"},
    )
    assert login["Location"] == "/en/accounts/2fa/authenticate/"
    assert client.get("/en/admin/")["Location"].startswith("/en/admin/login/")

    second_factor = client.post("/en/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert second_factor["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200


def test_office_staff_manage_users_but_cannot_make_anyone_a_superuser(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    student = UserFactory()

    page = client.get(f"/en/admin/accounts/user/{student.pk}/change/")

    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="role"' in page.content.decode()


def test_office_staff_reset_the_two_factor_authentication_of_someone_who_lost_their_phone(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    colleague = StaffFactory()
    TOTP.activate(colleague, generate_totp_secret())

    response = client.post(
        "/en/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [colleague.pk]}, follow=True
    )

    assert "Two-factor authentication was reset for 1 user." in response.content.decode()
    assert not colleague.authenticator_set.exists()


def test_office_staff_cannot_take_over_a_superuser(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    superuser = StaffFactory(is_superuser=True)
    TOTP.activate(superuser, generate_totp_secret())

    password_page = client.get(f"/en/admin/accounts/user/{superuser.pk}/password/")
    client.post("/en/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [superuser.pk]})

    assert password_page.status_code == 403
    assert superuser.authenticator_set.exists()


def test_office_staff_cannot_delete_a_superuser(office):
    superuser = StaffFactory(is_superuser=True)

    office.post(f"/en/admin/accounts/user/{superuser.pk}/delete/", {"post": "yes"})
    office.post(
        "/en/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [superuser.pk], "post": "yes"}
    )

    superuser.refresh_from_db()
    assert superuser.is_active
