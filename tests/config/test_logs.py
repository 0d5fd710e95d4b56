import json
import logging

import pytest

from config.logs import JsonFormatter
from notifications import tasks
from tests.factories import UserFactory
from tests.helpers import manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="kopir.requests")
    return lambda: [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "kopir.requests"]


def test_each_request_writes_one_json_line_with_its_id_method_path_status_and_duration(client, request_lines):
    response = client.get("/en/partners/")

    (line,) = request_lines()
    assert line["event"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == "/en/partners/"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32


def test_the_request_line_names_the_signed_in_user(client, request_lines):
    user = UserFactory()
    client.force_login(user)

    client.get("/en/notifications/")

    assert request_lines()[0]["user_id"] == user.pk


def test_the_proxys_request_id_is_kept_and_returned(client, request_lines):
    response = client.get("/en/", headers={"X-Request-ID": "edge-4f1c.9"})

    assert response["X-Request-ID"] == "edge-4f1c.9"
    assert request_lines()[0]["request_id"] == "edge-4f1c.9"


def test_a_request_id_that_could_forge_a_log_line_is_replaced(client, request_lines):
    response = client.get("/en/", headers={"X-Request-ID": 'x" "level": "ERROR'})

    assert response["X-Request-ID"] != 'x" "level": "ERROR'
    assert len(response["X-Request-ID"]) == 32


def test_each_task_writes_one_line_with_its_name_id_state_and_duration(caplog):
    caplog.set_level(logging.INFO, logger="kopir.tasks")

    result = tasks.sweep_outbox.delay()

    (record,) = [r for r in caplog.records if r.name == "kopir.tasks"]
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "task"
    assert line["task"] == "notifications.sweep_outbox"
    assert line["task_id"] == result.id
    assert line["state"] == "SUCCESS"
    assert line["duration_ms"] >= 0


def test_a_line_with_an_exception_carries_its_traceback():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "failed"
    assert "ValueError: broken" in line["exception"]


# A request that reads nothing from the database, in a fresh process configured as a deployment would be.
REQUEST = (
    "from django.test import Client; "
    "Client().get('/i18n/setlang/', headers={'X-Request-ID': 'probe-1'}); "
    "import logging; logging.getLogger('config').warning('after')"
)


def test_with_log_format_json_every_line_is_json_and_each_request_has_one():
    result = manage("shell", "-c", REQUEST, LOG_FORMAT="json", DJANGO_DEBUG="1", ALLOWED_HOSTS="testserver")

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    requests = [line for line in lines if line.get("event") == "request"]
    assert len(requests) == 1
    assert requests[0]["request_id"] == "probe-1"
    assert requests[0]["path"] == "/i18n/setlang/"
    assert lines[-1]["message"] == "after"


def test_logs_are_plain_lines_without_a_request_line_by_default():
    result = manage("shell", "-c", REQUEST, DJANGO_DEBUG="1", ALLOWED_HOSTS="testserver")

    assert result.returncode == 0, result.stderr
    assert "WARNING config: after" in result.stderr
    assert "probe-1" not in result.stderr
    assert not result.stderr.lstrip().startswith("{")


def test_an_unknown_log_format_stops_the_portal():
    result = manage("check", LOG_FORMAT="xml", DJANGO_DEBUG="1")

    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr
