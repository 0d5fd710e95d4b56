from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from . import services


def client_address(request):
    """The client's address behind the trusted proxies, as sign-in's rate limits see it; None when unknown."""
    try:
        return get_adapter().get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        return None


class TokenUseLogMiddleware:
    """Log each request that presented a known API token, with the status it got (401 and 403 included)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            services.record_token_use(
                token,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
                client=client_address(request),
            )
        return response
