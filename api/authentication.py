"""Token authentication for the API's private endpoints, reusable by any DRF view (and the EWP endpoints)."""

from django.contrib.auth.models import AnonymousUser
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken

KEYWORD = b"bearer"


def authenticate_token(request) -> ApiToken | None:
    """The usable token of an `Authorization: Bearer <token>` header, None without one.

    A malformed, unknown, revoked or expired token raises AuthenticationFailed with a message saying which.
    `request` is a Django HttpRequest; the token is kept on it, so that TokenUseLogMiddleware logs the use.
    """
    header = get_authorization_header(request).split()
    if not header or header[0].lower() != KEYWORD:
        return None
    if len(header) != 2:
        raise AuthenticationFailed(_("Send the token as «Authorization: Bearer <token>»."), code="token_malformed")
    try:
        secret = header[1].decode("ascii")
    except UnicodeDecodeError:
        raise AuthenticationFailed(_("This token is not known."), code="token_invalid") from None
    token = ApiToken.objects.by_secret(secret)
    if token is None:
        raise AuthenticationFailed(_("This token is not known."), code="token_invalid")
    request.api_token = token
    now = timezone.now()
    if token.revoked_at:
        raise AuthenticationFailed(
            _("This token was revoked on %(date)s.")
            % {"date": formats.date_format(token.revoked_at, "SHORT_DATE_FORMAT")},
            code="token_revoked",
        )
    if token.expires_at <= now:
        raise AuthenticationFailed(
            _("This token expired on %(date)s.") % {"date": formats.date_format(token.expires_at, "SHORT_DATE_FORMAT")},
            code="token_expired",
        )
    return token


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` with a token issued in the admin; request.auth is then the ApiToken.

    A token stands for a system, not a person: request.user stays anonymous, permissions look at request.auth.
    """

    def authenticate(self, request):
        token = authenticate_token(request._request)
        return None if token is None else (AnonymousUser(), token)

    def authenticate_header(self, request):
        # Also what makes DRF answer 401 (not 403) to a request without a token.
        return 'Bearer realm="api"'
