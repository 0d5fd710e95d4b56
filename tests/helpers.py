"""Plain helpers that several test modules share. Fixtures live in the conftest.py files; a test module never
imports another test module or a conftest (tests/test_suite.py checks it), only this module, the factories and
the quality gates' own modules (tests/quality/pages.py, matrix.py, forms.py)."""

import io
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# CI sets CI=true: there a missing browser, gettext or Redis is a failure, not a skip.
STRICT = bool(os.environ.get("CI"))

# The password of every person of the test identity provider (the `oidc_provider` fixture).
OIDC_PASSWORD = "provider-password"

# The values a production deployment sets, for the tests that start manage.py as a deployment would.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "kopir-production-like-secret-key-1f7c0b9e5a2d4c8e9b3a6f0d2e4c6a8b",
    "ALLOWED_HOSTS": "cooperation.example.edu.kz",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.edu.kz:587",
}


# Redis has 16 databases unless configured otherwise.
REDIS_DATABASES = 16


def worker_redis_url(url, worker):
    """The Redis of a pytest-xdist worker: gw0 keeps REDIS_URL's database, gwN takes the N-th one after it."""
    if not url or not worker:
        return url
    parts = urlsplit(url)
    database = (int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))) % REDIS_DATABASES
    return parts._replace(path=f"/{database}").geturl()


def skip_or_fail(reason: str):
    """Skip a test whose real component is missing here; fail instead on CI."""
    if STRICT:
        pytest.fail(reason)
    pytest.skip(reason)


def manage(*args, **env):
    """Run manage.py in a fresh process with these environment values, as a deployment would."""
    # The browser tests allow synchronous ORM calls inside their event loop; a deployment never does.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {**inherited, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, check=False
    )


def pdf_bytes() -> bytes:
    """A small real PDF document with one page."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A small real PNG image."""
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(output, format="PNG")
    return output.getvalue()


def current_code(secret):
    """The authenticator app's code for this TOTP secret, with time left to type it in: a code read in the last
    seconds of its period is refused once the period turns, so wait for the next one, as a person would."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.1)
    return f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"


def wait_for_mail(count, seconds=20):
    """Wait until a real Celery worker has sent `count` emails (or the time is up); the outbox."""
    from django.core import mail

    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return mail.outbox


def wait_for_export(job, seconds=60):
    """Wait until a real Celery worker has finished an export (or the time is up); the job as it is then."""
    deadline = time.monotonic() + seconds
    job.refresh_from_db()
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    return job


def sign_in_as(page, client, user, live_server):
    """Give the browser tab the session of a signed-in user, as if they had just signed in."""
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


IIA_NAMESPACE = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
IIA_SPECS = {
    "student_studies": "student-studies-mobility-spec",
    "student_traineeship": "student-traineeship-mobility-spec",
    "staff_teaching": "staff-teacher-mobility-spec",
    "staff_training": "staff-training-mobility-spec",
}


def iia_document(
    conditions,
    *,
    partner_hei="xju.edu.cn",
    partner_iia_id="XJU-2025-17",
    home_hei="auezov.edu.kz",
    home_iia_id=None,
    iia_hash="ab" * 32,
) -> bytes:
    """A partner's `iias-get-response` (IIA v7) with these conditions (ewp.partner_copy.Condition, seen from our
    side), the partner listed first as in their own copy."""
    from lxml import etree

    def add(parent, name, text=None):
        element = etree.SubElement(parent, f"{{{IIA_NAMESPACE}}}{name}")
        if text is not None:
            element.text = str(text)
        return element

    root = etree.Element(f"{{{IIA_NAMESPACE}}}iias-get-response", nsmap={None: IIA_NAMESPACE})
    iia = add(root, "iia")
    for hei, iia_id in ((partner_hei, partner_iia_id), (home_hei, home_iia_id)):
        partner = add(iia, "partner")
        add(partner, "hei-id", hei)
        if iia_id is not None:
            add(partner, "iia-id", iia_id)
    add(iia, "in-effect", "true")
    specs = add(iia, "cooperation-conditions")
    for condition in sorted(conditions, key=lambda c: list(IIA_SPECS).index(c.mobility_type)):
        spec = add(specs, IIA_SPECS[condition.mobility_type])
        sending, receiving = (home_hei, partner_hei) if condition.direction == "out" else (partner_hei, home_hei)
        add(spec, "sending-hei-id", sending)
        add(spec, "receiving-hei-id", receiving)
        add(spec, "receiving-first-academic-year-id", condition.first_year)
        add(spec, "receiving-last-academic-year-id", condition.last_year)
        add(spec, "mobilities-per-year", condition.places)
        for skill in condition.languages or ("en",):
            language, _space, cefr = skill.partition(" ")
            element = add(spec, "recommended-language-skill")
            add(element, "language", language)
            if cefr:
                add(element, "cefr-level", cefr)
        for code in condition.isced:
            add(add(spec, "subject-area"), "isced-f-code", code)
        if condition.mobility_type.startswith("student"):
            if condition.months is not None:
                add(spec, "total-months-per-year", condition.months)
            add(spec, "blended", "true" if condition.blended else "false")
            for level in condition.eqf:
                add(spec, "eqf-level", level)
        elif condition.days is not None:
            add(spec, "total-days-per-year", condition.days)
    if iia_hash:
        add(iia, "iia-hash", iia_hash)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
