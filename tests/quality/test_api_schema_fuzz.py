"""schemathesis against the schema the running portal serves: every operation, every check, with the demo loaded.

The command-line runner is used as CI tools use it, over HTTP against the live server on PostgreSQL.
"""

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from api import services
from api.models import ApiToken, ApiTokenUse
from tests.factories import StaffFactory
from tests.quality.pages import populate

pytestmark = pytest.mark.django_db(transaction=True)
# A bounded number of cases per operation keeps the run within a few minutes on two cores.
EXAMPLES_PER_OPERATION = 25
SCHEMATHESIS = Path(sys.executable).with_name("st")


def test_every_operation_answers_as_its_schema_says(live_server, settings, tmp_path):
    populate()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public": "1000000/minute", "token": "1000000/minute"},
    }
    _token, secret = services.issue_token(
        name="Fuzzer",
        scopes=ApiToken.Scope.values,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        created_by=StaffFactory(),
    )

    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live_server.url}/api/schema/",
            "--checks=all",
            f"--max-examples={EXAMPLES_PER_OPERATION}",
            "--workers=1",
            "--seed=15",
            f"--header=Authorization: Bearer {secret}",
            "--output-truncate=false",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )

    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    # The private endpoints were fuzzed with the token, not only refused without it.
    answered = {path.split("?")[0] for path in ApiTokenUse.objects.filter(status=200).values_list("path", flat=True)}
    assert {"/api/v1/agreements/", "/api/v1/selections/", "/api/v1/nominations/", "/api/v1/mobilities/"} <= answered
