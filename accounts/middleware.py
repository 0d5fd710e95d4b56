from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from config.personalcache import personal_value

from .roles import is_office
from .sso import MFA_SESSION_KEY, provider_origins


def office_rights(view):
    """Marks a portal view that office staff use with their office rights: the staff two-factor rule covers it."""
    view.office_rights = True
    return view


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
    """Keeps the admin (to anyone with `is_staff`) and every view marked `office_rights` (to office staff) closed
    until they have set up an authenticator app (STAFF_MFA_REQUIRED); an applicant or a reviewer is not asked.

    A sign-in through an identity provider whose ID token reports a second factor (`amr`) counts as one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        admin = user.is_staff and self._is_admin(request)
        if not settings.STAFF_MFA_REQUIRED or not (admin or (is_office(user) and hasattr(view_func, "office_rights"))):
            return None
        if request.session.get(MFA_SESSION_KEY) == user.pk or personal_value(
            user.pk, "totp", lambda: is_mfa_enabled(user, ["totp"])
        ):
            return None
        messages.warning(request, _("Set up two-factor authentication before you use the office's pages."))
        return redirect("mfa_activate_totp")

    @staticmethod
    def _is_admin(request):
        return request.path_info.startswith(reverse("admin:index"))
