from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .sso import MFA_SESSION_KEY, provider_origins


class IdentityProviderFormActionMiddleware:
    """Lets the sign-in buttons post to the portal, which redirects to an identity provider.

    The Content-Security-Policy's form-action also governs where a submitted form is redirected, so the pages
    that show the buttons allow the providers' origins (after CSPMiddleware in MIDDLEWARE, so it runs first).
    """

    PAGES = {"account_login", "account_signup", "socialaccount_connections", "openid_connect_login", "saml_login"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.url_name in self.PAGES and (origins := provider_origins(request)):
            response._csp_update = {"form-action": origins}
        return response


class StaffMFARequiredMiddleware:
    """Keeps the admin closed to staff who have not set up an authenticator app (STAFF_MFA_REQUIRED).

    A sign-in through an identity provider whose ID token reports a second factor (`amr`) counts as one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        needs_mfa = settings.STAFF_MFA_REQUIRED and user.is_staff and self._is_admin(request)
        proved_by_provider = needs_mfa and request.session.get(MFA_SESSION_KEY) == user.pk
        if needs_mfa and not proved_by_provider and not is_mfa_enabled(user, ["totp"]):
            messages.warning(request, _("Set up two-factor authentication before you open the admin."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _is_admin(request):
        return request.path_info.startswith(reverse("admin:index"))
