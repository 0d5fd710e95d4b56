"""Fixtures of the quality gates: the world the permission matrix and the form gate walk, and a real browser
(Playwright drives the system Chromium against pytest-django's live server)."""

import os
from pathlib import Path

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings

from tests.helpers import skip_or_fail

from .matrix import NOW, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault("reports", {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail("Browser tests need Chromium at /usr/bin/chromium (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab; a failing test leaves its screenshot in var/test-artifacts/."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    call = request.node.stash.get("reports", {}).get("call")
    if call is not None and call.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for a test module inside a transaction rolled back after its last test.

    Each test runs in a savepoint of that transaction (pytest-django's `db`), so what one test changes the next
    never sees. The clock stands at NOW and moves on from there, so the demo's calls are open.
    """
    files = tmp_path_factory.mktemp("world")
    places = {"MEDIA_ROOT": files / "media", "PRIVATE_MEDIA_ROOT": files / "private"}
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=True), override_settings(PASSWORD_HASHERS=hashers, **places):
        atomic = transaction.atomic()
        with django_db_blocker.unblock():
            atomic.__enter__()
        try:
            with django_db_blocker.unblock():
                built = build_world()
            yield built, places
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db, settings):
    """The module's world (see _module_world), with its files where every test looks for them."""
    built, places = _module_world
    for name, value in places.items():
        setattr(settings, name, value)
    settings.STAFF_MFA_REQUIRED = True
    return built
