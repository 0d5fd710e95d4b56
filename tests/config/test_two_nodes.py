"""Two web nodes (gunicorn processes on two ports) that share PostgreSQL, Redis and the object store answer for each
other: an upload on one is downloaded from the other, a session started on one works on the other, and the sign-in
rate limits count on both."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import global_settings
from django.db import connection

from mobility import services
from tests.factories import ApplicationFactory, StaffFactory, UserFactory
from tests.helpers import BASE_DIR, pdf_bytes, skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # the factories' password
# The portal's public name, which the load balancer in front of the nodes passes on to each of them.
PUBLIC_HOST = "cooperation.kopir.example"


def new_browser():
    """A browser's cookies, for the portal's public name wherever the balancer sends it (any node)."""
    session = requests.Session()
    session.headers["Host"] = PUBLIC_HOST
    return session


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nodes(settings, object_store, tmp_path):
    """Two gunicorn web nodes on the test database, this test's Redis database and the object store's buckets."""
    database = connection.settings_dict
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        skip_or_fail("The two-node test needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL).")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # The people this test makes sign in on the nodes, which know the production hashers only.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    environment = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        **object_store.environment(),
        "DATABASE_URL": f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": "kopir-two-nodes-secret-key-shared-by-every-node-7c1e9a",
        # Plain HTTP on loopback: cookies without the Secure flag (production sits behind TLS).
        "DJANGO_DEBUG": "1",
        "STAFF_MFA_REQUIRED": "0",
        "ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
    }
    processes, urls, logs = [], [], []
    for number in (1, 2):
        port = free_port()
        # Each node has folders of its own: whatever one of them kept on its disk, the other could not serve.
        own = {
            "MEDIA_ROOT": str(tmp_path / f"node{number}/media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / f"node{number}"),
        }
        log = (tmp_path / f"node{number}.log").open("w")
        logs.append(log)
        processes.append(
            subprocess.Popen(
                # The control socket's default path is one per machine: two nodes would share it.
                [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--workers", "1"],
                cwd=BASE_DIR,
                env={**environment, **own},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for process, url, number in zip(processes, urls, (1, 2), strict=True):
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    pytest.fail(f"Node {number} stopped: {(tmp_path / f'node{number}.log').read_text()[-3000:]}")
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code < 500:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"Node {number} did not start")
                time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()


def csrf_token(browser, url):
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(browser, node, email, password):
    token = csrf_token(browser, f"{node}/en/accounts/login/")
    return browser.post(
        f"{node}/en/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": f"{node}/en/accounts/login/"},
        timeout=30,
    )


def test_a_student_uploads_on_one_node_and_the_office_downloads_from_the_other(nodes, object_store):
    first, second = nodes
    student = UserFactory(email="aruzhan@stud.kopir.example")
    application = ApplicationFactory(applicant=student)
    document = pdf_bytes()

    browser = new_browser()
    signed_in = sign_in(browser, first, student.email, PASSWORD)
    assert "sessionid" in browser.cookies, re.findall(r'class="errorlist[^"]*"><li>([^<]+)', signed_in.text)
    step = f"/en/mobility/applications/{application.pk}/documents/"
    token = csrf_token(browser, f"{first}{step}")
    uploaded = browser.post(
        f"{first}{step}",
        {"csrfmiddlewaretoken": token},
        files={"transcript": ("transcript.pdf", document, "application/pdf")},
        headers={"Referer": f"{first}{step}"},
        timeout=60,
    )
    assert uploaded.status_code == 200, uploaded.text[:500]
    assert application.documents.exists(), re.findall(r'class="errorlist[^"]*"[^>]*><li>([^<]+)', uploaded.text)
    stored = application.documents.get()
    assert object_store.names(object_store.PRIVATE_BUCKET, "applications") == [
        stored.file.name.removeprefix("applications/")
    ]

    # The session started on the first node works on the second: the student reads their own document there.
    page = browser.get(f"{second}/en/mobility/applications/{application.pk}/", timeout=30, allow_redirects=False)
    assert page.status_code == 200
    assert browser.get(f"{second}{stored.get_absolute_url()}", timeout=30).content == document

    services.submit_application(application, by=student)
    office = new_browser()
    assert sign_in(office, second, StaffFactory(email="office@kopir.example").email, PASSWORD).status_code == 200
    downloaded = office.get(f"{second}{stored.get_absolute_url()}", timeout=30, allow_redirects=False)
    assert downloaded.status_code == 200
    assert downloaded.content == document
    assert downloaded.headers["Cache-Control"] == "private, no-store"


def test_failed_sign_ins_count_on_every_node(nodes):
    first, second = nodes
    person = UserFactory(email="daniyar@stud.kopir.example")

    # Five wrong passwords for one address (the limit), spread over both nodes: three on one, two on the other.
    for attempt in range(5):
        refused = sign_in(new_browser(), nodes[attempt % 2], person.email, "wrong password")
        assert "Too many failed" not in refused.text
    # Each node alone saw fewer than five: only a count they share refuses the right password now, on either node.
    for node in (first, second):
        browser = new_browser()
        answer = sign_in(browser, node, person.email, PASSWORD)
        assert "Too many failed login attempts" in answer.text
        assert browser.get(f"{node}/en/mobility/applications/", timeout=30, allow_redirects=False).status_code == 302
