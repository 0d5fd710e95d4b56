"""Single sign-on rules without a browser: configuration, roles, domains, the second factor, SSO-only sign-in."""

import pytest
from allauth.socialaccount.models import SocialApp

from accounts import sso
from accounts.models import User
from config.settings import oidc_app
from tests.factories import HomeInstitutionFactory, OIDCAppFactory, SAMLAppFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def app_with(**settings):
    return SocialApp(provider="openid_connect", provider_id="university", name="University", settings=settings)


class FakeLogin:
    """Just what the rules read of allauth's SocialLogin: the provider's app and the account's data."""

    def __init__(self, app, extra_data):
        self.provider = type("Provider", (), {"app": app})()
        self.account = type("Account", (), {"extra_data": extra_data})()


def test_an_entry_of_oidc_providers_becomes_an_allauth_app_whose_settings_hold_the_portals_keys():
    app = oidc_app(
        {
            "id": "entra",
            "name": "Microsoft",
            "client_id": "abc",
            "secret": "s3cret",
            "server_url": "https://login.microsoftonline.com/tenant/v2.0",
            "role_claim": "roles",
        }
    )

    assert app == {
        "provider_id": "entra",
        "name": "Microsoft",
        "client_id": "abc",
        "secret": "s3cret",
        "settings": {"server_url": "https://login.microsoftonline.com/tenant/v2.0", "role_claim": "roles"},
    }


@pytest.mark.parametrize(
    ("claims", "email", "role"),
    [
        ({"roles": ["Student"]}, "a@auezov.example", User.Role.STUDENT),
        ({"roles": ["Faculty"]}, "a@stud.auezov.example", User.Role.FACULTY),
        ({"roles": ["Student", "Faculty"]}, "a@auezov.example", User.Role.FACULTY),
        ({"roles": "Faculty"}, "a@auezov.example", User.Role.FACULTY),
        ({"roles": ["Staff"]}, "a@auezov.example", User.Role.STUDENT),  # never office staff from a claim
        ({"roles": ["Staff"]}, "a@teachers.auezov.example", User.Role.FACULTY),
        ({}, "a@teachers.auezov.example", User.Role.FACULTY),
        ({}, "a@stud.auezov.example", User.Role.STUDENT),
        ({"roles": ["Unknown"]}, "a@auezov.example", User.Role.STUDENT),
    ],
)
def test_the_role_of_a_new_account_comes_from_the_claim_then_the_domain_then_the_default(claims, email, role):
    app = app_with(
        role_claim="roles",
        roles={"Student": "student", "Faculty": "faculty", "Staff": "staff"},
        faculty_domains="teachers.auezov.example",
        student_domains=["stud.auezov.example"],
    )

    assert sso.role_for(app, email=email, claims=claims) == role


def test_a_default_role_of_office_staff_is_never_given():
    assert sso.role_for(app_with(default_role="staff"), email="a@auezov.example", claims={}) == User.Role.STUDENT
    assert sso.role_for(app_with(default_role="faculty"), email="a@auezov.example", claims={}) == User.Role.FACULTY


def test_the_university_domains_and_their_subdomains_are_allowed_unless_the_provider_names_its_own():
    HomeInstitutionFactory(staff_email_domains="auezov.example, ukgu.example")

    domains = sso.allowed_domains(app_with())
    assert domains == ["auezov.example", "ukgu.example"]
    assert sso.is_allowed_domain("stud.auezov.example", domains)
    assert not sso.is_allowed_domain("notauezov.example", domains)
    assert not sso.is_allowed_domain("auezov.example.evil.example", domains)
    assert sso.allowed_domains(app_with(allowed_domains=["@Partner.example"])) == ["partner.example"]


def test_without_a_home_university_no_domain_is_allowed():
    assert sso.allowed_domains(app_with()) == []


@pytest.mark.parametrize(
    ("app_settings", "data", "proved"),
    [
        ({}, {"id_token": {"amr": ["pwd", "mfa"]}}, True),
        ({}, {"id_token": {"amr": ["hwk"]}}, True),
        ({}, {"id_token": {"amr": ["pwd"]}}, False),
        ({}, {"id_token": {}}, False),
        ({}, {"userinfo": {"amr": ["mfa"]}, "id_token": {}}, False),  # only the signed ID token counts
        ({"mfa_values": ["otp"]}, {"id_token": {"amr": ["mfa"]}}, False),
        ({"mfa_values": []}, {"id_token": {"amr": ["mfa"]}}, False),
        ({"mfa_claim": "acr_methods"}, {"id_token": {"acr_methods": "otp"}}, True),
    ],
)
def test_the_id_tokens_amr_claim_proves_a_second_factor_where_configured(app_settings, data, proved):
    assert sso.proved_second_factor(FakeLogin(app_with(**app_settings), data)) is proved


def test_claims_prefer_the_id_token_over_userinfo():
    login = FakeLogin(app_with(), {"userinfo": {"roles": ["Student"], "name": "A"}, "id_token": {"roles": ["Faculty"]}})

    assert sso.claims_of(login) == {"roles": ["Faculty"], "name": "A"}


def test_the_nonce_belongs_to_one_state_and_needs_the_secret_key(settings):
    nonce = sso.nonce_for("state-one")

    assert nonce == sso.nonce_for("state-one")
    assert nonce != sso.nonce_for("state-two")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert nonce != sso.nonce_for("state-one")


def test_the_sign_in_page_lets_its_buttons_lead_to_the_identity_providers(client, settings):
    OIDCAppFactory()
    SAMLAppFactory()
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [oidc_app({"id": "google", "client_id": "g", "server_url": "https://accounts.google.com"})],
        },
    }

    response = client.get("/kk/accounts/login/")

    form_action = response["Content-Security-Policy"].split("form-action")[1].split(";")[0]
    assert form_action.split() == [
        "'self'",
        "https://accounts.google.com",
        "https://idp.auezov.example",
        "https://login.microsoftonline.com",
    ]
    assert response.content.decode().count("Университет аккаунтымен кіру") == 3
    other_page = client.get("/kk/partners/")["Content-Security-Policy"]
    assert "form-action 'self'" in [directive.strip() for directive in other_page.split(";")]


def test_the_sign_up_page_shows_the_university_account_button_too(client):
    OIDCAppFactory()

    page = client.get("/ru/accounts/signup/").content.decode()

    assert "Войти через учётную запись университета" in page
    assert 'action="/accounts/oidc/university/login/?process=login&amp;next=%2Fru%2F"' in page


def test_without_an_identity_provider_the_sign_in_page_has_no_university_account_section(client):
    assert 'id="sso"' not in client.get("/en/accounts/login/").content.decode()


def test_the_saml_metadata_of_the_portal_is_published_for_the_identity_provider(client, settings):
    settings.ALLOWED_HOSTS = ["portal.auezov.example"]
    SAMLAppFactory()

    response = client.get("/accounts/saml/university-saml/metadata/", HTTP_HOST="portal.auezov.example")

    assert response.status_code == 200
    assert "http://portal.auezov.example/accounts/saml/university-saml/acs/" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "staff_only", "students_too", "refused"),
    [
        (User.Role.STAFF, True, False, True),
        (User.Role.FACULTY, True, False, True),
        (User.Role.STUDENT, True, False, False),
        (User.Role.STUDENT, False, True, True),
        (User.Role.STAFF, False, False, False),
    ],
)
def test_a_password_is_refused_to_whoever_must_use_the_university_account(
    client, settings, role, staff_only, students_too, refused
):
    settings.SSO_REQUIRED_FOR_STAFF = staff_only
    settings.SSO_REQUIRED_FOR_STUDENTS = students_too
    settings.STAFF_MFA_REQUIRED = False
    UserFactory(email="person@auezov.example", role=role)

    response = client.post(
        "/ru/accounts/login/", {"login": "person@auezov.example", "password": "correct horse battery staple"}
    )

    if refused:
        assert response.status_code == 200
        assert "можно войти только через учётную запись университета" in response.content.decode()
        assert '<a href="#sso">' in response.content.decode()
        assert "_auth_user_id" not in client.session
    else:
        assert response.status_code == 302
        assert client.session["_auth_user_id"]


def test_a_wrong_password_of_an_sso_only_account_gets_the_usual_answer(client, settings):
    settings.SSO_REQUIRED_FOR_STAFF = True
    StaffFactory(email="office@auezov.example")

    page = client.post("/en/accounts/login/", {"login": "office@auezov.example", "password": "wrong"}).content.decode()

    assert "university account only" not in page
    assert "The email address and/or password you specified are not correct." in page


def test_the_second_factor_proved_at_the_provider_opens_the_admin_only_to_the_person_who_signed_in(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff, colleague = StaffFactory(), StaffFactory()
    client.force_login(staff)
    session = client.session
    session[sso.MFA_SESSION_KEY] = colleague.pk
    session.save()
    assert client.get("/en/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"

    session[sso.MFA_SESSION_KEY] = staff.pk
    session.save()
    assert client.get("/en/admin/").status_code == 200


def test_a_password_sign_in_forgets_a_second_factor_proved_earlier_at_the_provider(client, settings):
    settings.STAFF_MFA_REQUIRED = True
    staff = StaffFactory(email="office@auezov.example")
    session = client.session
    session[sso.MFA_SESSION_KEY] = staff.pk
    session.save()

    client.post("/en/accounts/login/", {"login": "office@auezov.example", "password": "correct horse battery staple"})

    assert sso.MFA_SESSION_KEY not in client.session
    assert client.get("/en/admin/")["Location"] == "/en/accounts/2fa/totp/activate/"


def test_an_identity_provider_that_does_not_answer_gets_a_sign_in_failure_page_not_a_server_error(client):
    HomeInstitutionFactory()
    OIDCAppFactory(settings={"server_url": "http://127.0.0.1:9/no-identity-provider"})  # nothing listens there

    response = client.post("/accounts/oidc/university/login/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [template.name for template in response.templates]
