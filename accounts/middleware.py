from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMFARequiredMiddleware:
    """Keeps the admin closed to staff who have not set up an authenticator app (STAFF_MFA_REQUIRED)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        needs_mfa = settings.STAFF_MFA_REQUIRED and user.is_staff and self._is_admin(request)
        if needs_mfa and not is_mfa_enabled(user, ["totp"]):
            messages.warning(request, _("Set up two-factor authentication before you open the admin."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _is_admin(request):
        return request.path_info.startswith(reverse("admin:index"))
