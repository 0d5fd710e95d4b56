"""Single sign-on in a real browser against a real OpenID Connect provider that the suite starts on loopback."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import User
from config.settings import oidc_app
from tests.factories import HomeInstitutionFactory, StaffFactory, UserFactory
from tests.helpers import OIDC_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SIGN_IN = {
    "en": "Sign in with the university account",
    "kk": "Университет аккаунтымен кіру",
    "ru": "Войти через учётную запись университета",
    "zh-hans": "使用学校账户登录",
}


@pytest.fixture
def sso(settings, oidc_provider):
    """The portal signs in through the test provider, for the university at auezov.example."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {**settings.SOCIALACCOUNT_PROVIDERS["openid_connect"], "APPS": [oidc_app(oidc_provider)]},
    }
    HomeInstitutionFactory(staff_email_domains="auezov.example")
    return oidc_provider


def provider_origin(sso):
    return sso["server_url"].removesuffix("/o")


def sign_in_through_provider(page, sso, username, *, language="en"):
    """From the portal's sign-in page through the provider's own sign-in form and back."""
    page.goto(f"/{language}/accounts/login/")
    page.get_by_role("button", name=SIGN_IN[language]).click()
    page.wait_for_url(f"{provider_origin(sso)}/login/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(OIDC_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def serious_accessibility_violations(page):
    return [
        found["id"] for found in Axe().run(page).response["violations"] if found["impact"] in ("serious", "critical")
    ]


def with_query(url, **changes):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**dict(parse_qsl(parts.query)), **changes})))


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("dauren", User.Role.STUDENT),
        ("gulnar", User.Role.FACULTY),
        ("erlan", User.Role.STUDENT),  # a "Staff" claim never makes office staff
    ],
)
def test_first_sign_in_creates_the_account_with_its_role_and_the_second_signs_in_to_it(page, sso, username, role):
    sign_in_through_provider(page, sso, username, language="kk")
    page.wait_for_url("**/kk/")

    user = User.objects.get()
    assert (user.role, user.language, user.has_usable_password()) == (role, "kk", False)
    assert user.emailaddress_set.get().verified
    expect(page.get_by_role("link", name=user.full_name)).to_be_visible()

    page.goto("/kk/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    page.context.clear_cookies()
    sign_in_through_provider(page, sso, username, language="en")
    page.wait_for_url("**/en/")

    assert User.objects.get().pk == user.pk
    assert SocialAccount.objects.get().user == user
    expect(page.get_by_role("link", name=user.full_name)).to_be_visible()


def test_a_verified_university_address_signs_in_to_the_existing_account_and_links_it(page, sso):
    staff = StaffFactory(email="aigerim@auezov.example", full_name="Әйгерім Сейітова")

    sign_in_through_provider(page, sso, "aigerim")
    page.wait_for_url("**/en/")

    assert User.objects.get() == staff
    assert SocialAccount.objects.get(provider="university").user == staff
    staff.refresh_from_db()
    assert staff.role == User.Role.STAFF
    assert staff.has_usable_password()


def test_an_address_outside_the_university_is_refused_in_the_readers_language(page, sso):
    sign_in_through_provider(page, sso, "visitor", language="ru")

    page.wait_for_url("**/ru/accounts/login/")
    expect(page.locator(".message-error")).to_contain_text("visitor@mail.example не является адресом университета")
    assert serious_accessibility_violations(page) == []
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_an_unconfirmed_address_never_signs_in_to_the_account_that_has_it(page, sso):
    owner = UserFactory(email="nurlan@auezov.example")

    sign_in_through_provider(page, sso, "nurlan", language="zh-hans")

    page.wait_for_url("**/zh-hans/accounts/login/")
    expect(page.locator(".message-error")).to_contain_text("nurlan@auezov.example")
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [owner]
    owner.refresh_from_db()
    assert owner.has_usable_password()
    page.goto("/zh-hans/notifications/")
    page.wait_for_url("**/zh-hans/accounts/login/?next=**")


def tamper_with_the_redirect_to_the_provider(page, **changes):
    """Change what the portal's redirect to the provider asks for: the provider answers what it is asked."""

    def tamper(route):
        response = route.fetch(max_redirects=0)
        location = with_query(response.headers["location"], **changes)
        route.fulfill(response=response, headers={**response.headers, "location": location})

    page.route("**/accounts/oidc/university/login/?*", tamper)


def test_a_tampered_state_is_refused(page, sso):
    tamper_with_the_redirect_to_the_provider(page, state="forged-state-value")

    sign_in_through_provider(page, sso, "dauren")

    page.wait_for_url("**/accounts/oidc/university/login/callback/?*state=forged-state-value*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Third-Party Login Failure")
    assert serious_accessibility_violations(page) == []
    assert not User.objects.exists()


def test_a_tampered_nonce_is_refused(page, sso):
    tamper_with_the_redirect_to_the_provider(page, nonce="forged-nonce-value")

    sign_in_through_provider(page, sso, "dauren")

    page.wait_for_url("**/accounts/oidc/university/login/callback/?*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Third-Party Login Failure")
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_a_second_factor_at_the_provider_opens_the_admin_to_staff_without_an_authenticator_app(page, sso, settings):
    settings.STAFF_MFA_REQUIRED = True
    StaffFactory(email="aigerim@auezov.example")
    StaffFactory(email="erlan@auezov.example")

    sign_in_through_provider(page, sso, "aigerim")
    page.wait_for_url("**/en/")
    page.goto("/en/admin/")
    expect(page.locator("#site-name")).to_be_visible()

    page.context.clear_cookies()
    sign_in_through_provider(page, sso, "erlan")  # the provider reports a password only
    page.wait_for_url("**/en/")
    page.goto("/en/admin/")
    page.wait_for_url("**/en/accounts/**")
    assert "/admin/" not in page.url


def test_staff_who_must_use_the_university_account_cannot_sign_in_with_a_password(page, sso, settings):
    settings.SSO_REQUIRED_FOR_STAFF = True
    StaffFactory(email="aigerim@auezov.example")
    UserFactory(email="student@kopir.example")

    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("aigerim@auezov.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.locator("main form button[type=submit]").first.click()

    expect(
        page.get_by_text("Your account signs in with the university account only, not with a password.")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("university account"))).to_have_attribute("href", "#sso")
    page.goto("/en/notifications/")
    page.wait_for_url("**/en/accounts/login/?next=**")

    page.get_by_role("button", name=SIGN_IN["en"]).click()
    page.get_by_label("Username").fill("aigerim")
    page.get_by_label("Password").fill(OIDC_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/en/notifications/")

    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("student@kopir.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/en/")
