"""Rate limits that step aside when the cache (Redis) is down: the API keeps answering, unthrottled."""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from config.cache import is_degraded

logger = logging.getLogger(__name__)


class FailOpenMixin:
    def get_rate(self):
        # Read at each request (DRF reads the rates once at import), so changed settings take effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
            # Counted in one process's memory while Redis is down: the API steps aside instead.
            return allowed or is_degraded()
        except Exception:
            # Any cache failure (a stopped Redis, a timeout) must not turn a readable answer into a 500.
            logger.warning("API rate limit skipped: the cache does not answer", exc_info=True)
            return True


class PublicRateThrottle(FailOpenMixin, AnonRateThrottle):
    """API_RATE_PUBLIC per client address on the public endpoints."""

    scope = "public"


class TokenRateThrottle(FailOpenMixin, SimpleRateThrottle):
    """API_RATE_TOKEN per token on the private endpoints (a token is one system, wherever it calls from)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
