import pytest


@pytest.fixture
def portal_cache(settings):
    """The portal's own cache configuration, pointed at a given Redis."""

    def point(url):
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.FallbackRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }

    return point
