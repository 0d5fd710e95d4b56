import logging

from django.conf import settings
from django.core.exceptions import BadRequest

logger = logging.getLogger("config.deploy")


class ProxyCountCheckMiddleware:
    """Warns once, in the log, when requests come through a proxy the settings do not count.

    With TRUSTED_PROXY_COUNT at 0 the rate limits of sign-in, typo reports and the API read the address that
    connects, which behind a proxy is the proxy's: every reader would share one limit.
    """

    warned = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxied = "HTTP_X_FORWARDED_FOR" in request.META
        if proxied and not ProxyCountCheckMiddleware.warned and settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0:
            ProxyCountCheckMiddleware.warned = True
            logger.warning(
                "Requests arrive with X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: rate limits see the proxy's "
                "address for every reader. Set TRUSTED_PROXY_COUNT to the number of proxies in front of the portal."
            )
        return self.get_response(request)


class AdminQueryGuardMiddleware:
    """Refuses with 400 an admin page asked with a NUL byte in its query string (a search, a list filter): the
    admin would pass it on to PostgreSQL, which cannot store one and answers with a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.app_name == "admin" and "\x00" in "".join(
            key + "".join(values) for key, values in request.GET.lists()
        ):
            raise BadRequest("A NUL byte in the query string of an admin page.")
