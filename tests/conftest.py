import os
import shutil
import socket
import subprocess
import time

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
    # Django's test set-up swaps the email backend for its memory outbox: put the portal's outbox back in front.
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


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


# The people of the test identity provider: a university directory with one person for each case.
OIDC_PEOPLE = {
    "dauren": {"email": "dauren@stud.auezov.example", "name": "Дәурен Оспанов", "roles": ["Student"]},
    "gulnar": {"email": "gulnar@auezov.example", "name": "Гүлнар Жақсылықова", "roles": ["Faculty"], "amr": ["pwd"]},
    "aigerim": {
        "email": "aigerim@auezov.example",
        "name": "Әйгерім Сейітова",
        "roles": ["Staff"],
        "amr": ["pwd", "mfa"],
    },
    "erlan": {"email": "erlan@auezov.example", "name": "Ерлан Иманғалиев", "roles": ["Staff"], "amr": ["pwd"]},
    "visitor": {"email": "visitor@mail.example", "name": "A Visitor", "roles": ["Student"]},
    "nurlan": {"email": "nurlan@auezov.example", "name": "Нұрлан Әбенов", "email_verified": False},
}
OIDC_PASSWORD = "provider-password"


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """A real OpenID Connect provider (django-oauth-toolkit) in its own process on a free loopback port.

    Yields its allauth app: what OIDC_PROVIDERS would hold for it. Its database and signing key are new each run.
    """
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    data_dir = tmp_path_factory.mktemp("oidc-provider")
    people = {
        username: {"password": OIDC_PASSWORD, "claims": {"email_verified": True, **claims}}
        for username, claims in OIDC_PEOPLE.items()
    }
    (data_dir / "people.json").write_text(json.dumps(people))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    issuer = f"http://127.0.0.1:{port}/o"
    app = {
        "id": "university",
        "name": "Auezov University ID",
        "client_id": "kopir-portal",
        "secret": "kopir-portal-secret",
        "server_url": issuer,
        "role_claim": "roles",
        # "Staff" maps to nothing a claim may give: office staff roles are granted in the admin only.
        "roles": {"Student": "student", "Faculty": "faculty", "Staff": "staff"},
    }
    environment = {
        **os.environ,
        "OIDC_TEST_DATA_DIR": str(data_dir),
        "OIDC_TEST_ISSUER": issuer,
        "OIDC_TEST_CLIENT_ID": app["client_id"],
        "OIDC_TEST_CLIENT_SECRET": app["secret"],
        "OIDC_TEST_REDIRECT_URI": f"{live_server.url}/accounts/oidc/university/login/callback/",
    }
    root = Path(__file__).resolve().parent.parent
    log = (data_dir / "provider.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=root,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _attempt in range(600):
            if server.poll() is not None:
                pytest.fail(f"The test identity provider stopped: {(data_dir / 'provider.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("The test identity provider did not start.")
        yield app
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of one test's own on a free port, which the test may stop, start again or fill up."""

    def __init__(self, binary):
        self.binary = binary
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def command(self, *words):
        import redis

        with redis.Redis.from_url(self.url, socket_timeout=2) as client:
            return client.execute_command(*words)


@pytest.fixture
def redis_server():
    """A Redis for an outage test (never the shared one): started, and stopped after the test."""
    binary = shutil.which("redis-server")
    if not binary:
        skip_or_fail("The outage test needs redis-server (apt-get install redis-server).")
    server = RedisServer(binary).start()
    yield server
    server.stop()


@pytest.fixture
def celery_broker():
    """Point the Celery app's broker at another URL for one test (its connection pools are made again)."""
    previous = celery_app.conf.broker_url

    def point(url):
        celery_app.conf.broker_url = url
        _reset_pools()

    def _reset_pools():
        # Only forgotten, not closed: kombu shares its pools by broker address with the tests that come after.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield point
    celery_app.conf.broker_url = previous
    _reset_pools()
