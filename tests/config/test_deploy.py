import os
import subprocess
import sys

import pytest

from tests.helpers import BASE_DIR, PRODUCTION, manage


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_portal_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get("/en/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_links_in_emails_point_to_the_port_make_run_serves():
    """`make run PORT=…` without PORTAL_URL (nor REDIS_URL, so no worker starts): the settings name that port."""
    code = "import django; django.setup(); from django.conf import settings; print(settings.PORTAL_URL)"
    read = f"{sys.executable} -c '{code}'"
    inherited = {name: value for name, value in os.environ.items() if name not in {"PORTAL_URL", "PORT", "REDIS_URL"}}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings"}

    result = subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=8123", f"MANAGE={read}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "http://127.0.0.1:8123\n" in result.stdout
    assert "8000" not in result.stdout


def test_the_portal_url_follows_the_port_without_make():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.PORTAL_URL)", PORT="8124")

    assert result.stdout.splitlines()[-1] == "http://127.0.0.1:8124", result.stderr
