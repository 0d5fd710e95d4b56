"""Single sign-on: who may sign in through an identity provider, with which role, and whether it proved a second factor.

Each identity provider is an allauth app (OIDC_PROVIDERS, SAML_PROVIDERS or a social application in the admin);
the portal's own keys live in the app's settings next to allauth's (README, "Single sign-on"):

    allowed_domains   email domains accepted; default: the home university's email domains
    role_claim        claim that names the person's role, e.g. "roles"; its values are mapped by `roles`
    roles             {"claim value": "student" | "faculty"}; office staff are never granted by a claim
    student_domains, faculty_domains   the role by the email's domain when no claim decides
    default_role      the role when neither decides ("student" unless set)
    mfa_claim, mfa_values   the claim (default "amr") and values that prove a second factor (SSO_MFA_AMR_VALUES)
"""

import logging
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.utils import get_request_param
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from requests import RequestException

from config.models import HomeInstitution

from .models import User

logger = logging.getLogger(__name__)

# The roles an identity provider may give; office staff roles are granted in the admin only.
CLAIMABLE_ROLES = {User.Role.STUDENT, User.Role.FACULTY}
# Set at sign-in to the id of the user whose identity provider reported a second factor.
MFA_SESSION_KEY = "sso_mfa_user"


def university_email_domains() -> list[str]:
    """The home university's email domains, in lower case (none until the university is entered)."""
    home = HomeInstitution.objects.current()
    return home.faculty_domains if home else []


def _domains(values) -> list[str]:
    if isinstance(values, str):
        values = values.split(",")
    return [value.strip().lower().lstrip("@") for value in values or [] if value.strip()]


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def allowed_domains(app) -> list[str]:
    """The email domains whose people may sign in through this identity provider."""
    configured = _domains(app.settings.get("allowed_domains"))
    return configured or university_email_domains()


def is_allowed_domain(domain: str, domains: list[str]) -> bool:
    """A domain or one of its subdomains (stud.auezov.edu.kz under auezov.edu.kz)."""
    return any(domain == allowed or domain.endswith(f".{allowed}") for allowed in domains)


def role_for(app, *, email: str, claims: dict) -> str:
    """The role of a new account: from the role claim, then the email's domain, then the provider's default."""
    role_claim = app.settings.get("role_claim")
    if role_claim:
        values = claims.get(role_claim)
        values = values if isinstance(values, list) else [values]
        mapping = app.settings.get("roles", {})
        mapped = {mapping.get(str(value)) for value in values} & CLAIMABLE_ROLES
        # A person who is both (a teaching doctoral student) gets the role with more to do.
        if mapped:
            return User.Role.FACULTY if User.Role.FACULTY in mapped else User.Role.STUDENT
    domain = email_domain(email)
    if domain in _domains(app.settings.get("faculty_domains")):
        return User.Role.FACULTY
    if domain in _domains(app.settings.get("student_domains")):
        return User.Role.STUDENT
    default = app.settings.get("default_role", User.Role.STUDENT)
    return default if default in CLAIMABLE_ROLES else User.Role.STUDENT


def claims_of(sociallogin) -> dict:
    """The identity's claims: the signed ID token's over the userinfo answer's (SAML: its attributes)."""
    data = sociallogin.account.extra_data or {}
    if "id_token" in data or "userinfo" in data:
        return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}
    return {key: value[0] if isinstance(value, list) and len(value) == 1 else value for key, value in data.items()}


def proved_second_factor(sociallogin) -> bool:
    """Whether the identity provider says, in the signed ID token, that this sign-in used a second factor."""
    app = sociallogin.provider.app
    id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
    methods = id_token.get(app.settings.get("mfa_claim", "amr"), [])
    methods = methods if isinstance(methods, list) else [methods]
    accepted = app.settings.get("mfa_values", settings.SSO_MFA_AMR_VALUES)
    return bool(set(map(str, methods)) & set(accepted))


def sso_required(user) -> bool:
    """Whether this person must sign in through the university's identity provider (no password)."""
    if user.role in (User.Role.STAFF, User.Role.FACULTY):
        return settings.SSO_REQUIRED_FOR_STAFF
    return settings.SSO_REQUIRED_FOR_STUDENTS


def provider_origins(request) -> list[str]:
    """Where the sign-in buttons lead: the origin of each identity provider (OIDC server_url, SAML IdP address)."""
    origins = set()
    for app in get_adapter(request).list_apps(request):
        idp = app.settings.get("idp") or {}
        parts = urlsplit(app.settings.get("server_url") or idp.get("sso_url") or idp.get("metadata_url") or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def nonce_for(state_id: str) -> str:
    """The nonce sent with one sign-in: bound to its single-use state, unguessable without the SECRET_KEY."""
    return salted_hmac("accounts.sso.nonce", state_id).hexdigest()


class UniversityOIDCProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, which also sends a nonce and checks it in the ID token it gets back."""

    # Its URLs and templates stay allauth's.
    package = "allauth.socialaccount.providers.openid_connect"
    # Only the browser flow, where the nonce is checked; allauth's headless token login is not used.
    supports_token_authentication = False

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        state_id = get_adapter(request).generate_state_param({})
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce_for(state_id)
        try:
            return super().redirect(
                request, process, next_url, data, auth_params=auth_params, state_id=state_id, **kwargs
            )
        except RequestException as error:
            # Its discovery document did not come: the person reads allauth's sign-in failure page, not an error 500.
            logger.warning("The identity provider %s did not answer: %s", self.app.provider_id, error)
            return render_authentication_error(request, self, exception=error)

    def sociallogin_from_response(self, request, response):
        # Called with the ID token decoded (its issuer, audience and expiry checked) before anything is stored.
        state_id = get_request_param(request, "state") or ""
        nonce = (response.get("id_token") or {}).get("nonce", "")
        if not state_id or not constant_time_compare(nonce, nonce_for(state_id)):
            raise OAuth2Error("The ID token's nonce does not belong to this sign-in.")
        return super().sociallogin_from_response(request, response)
