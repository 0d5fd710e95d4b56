import os

import pytest
from django.core.cache import cache
from django.utils import translation

from config.celery import app as celery_app

# CI sets CI=true: there a missing browser, gettext or Redis is a failure, not a skip.
STRICT = bool(os.environ.get("CI"))


def skip_or_fail(reason: str):
    """Skip a test whose real component is missing here; fail instead on CI."""
    if STRICT:
        pytest.fail(reason)
    pytest.skip(reason)


def pytest_configure(config):
    """Session-wide test settings: the live server of the browser tests starts before any fixture."""
    from django.conf import settings

    # Static files come straight from the source folders: no collectstatic before tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # Tests speak plain HTTP; production keeps the redirect to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever an earlier request or live server activated."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's rate limits count in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process, except in tests that start a real worker."""
    eager = "celery_worker" not in request.keywords
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous
