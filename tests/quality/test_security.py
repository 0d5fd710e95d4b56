"""Security gates: response headers on every page, production settings, and bandit over our code."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PRODUCTION, manage
from tests.quality.pages import PUBLIC_PAGES, localised, populate, signed_in_pages

BASE_DIR = Path(__file__).resolve().parents[2]
OUR_CODE = ["accounts", "config", "partnerships", "visits", "mobility", "api"]


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client):
    populate()
    pages = [*localised(PUBLIC_PAGES), "/healthz"]
    client_pages = [(path, None) for path in pages]
    for person, signed_in in signed_in_pages():
        client_pages += [(path, person) for path in localised(signed_in)]

    for path, user in client_pages:
        if user:
            client.force_login(user)
        response = client.get(path)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy + ";", path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path
        assert "default-src 'self'" in policy, path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_production_settings_send_cookies_only_over_https():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps([s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG]))"
    )
    result = manage("shell", "-c", code, **PRODUCTION)

    assert json.loads(result.stdout.splitlines()[-1]) == [True, True, True, True, True, True, False]


def test_bandit_finds_nothing_of_medium_or_high_severity():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", *OUR_CODE, "-ll", "-f", "json", "-q"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in json.loads(result.stdout)["results"]
    ]
    assert findings == []
