"""The portal's logs: plain lines by default, JSON lines with LOG_FORMAT=json (docs/deploy.md, "Logs").

With JSON, every request writes one line (logger `kopir.requests`: request id, user id, method, path, status,
duration) and every Celery task one line (logger `kopir.tasks`: name, id, state, duration); any other line
written during a request or a task carries its request id or task id, so one grep finds everything it did.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import traceback
import uuid

from django.utils.functional import empty

from . import metrics

request_logger = logging.getLogger("kopir.requests")
task_logger = logging.getLogger("kopir.tasks")

# The request or task a line is written in; every JSON line names it.
current_request_id = contextvars.ContextVar("current_request_id", default="")
current_task = contextvars.ContextVar("current_task", default=None)

# A request id from the proxy is kept only when it is short and plain, so it cannot forge a log line.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
REQUEST_ID_HEADER = "X-Request-ID"

# The attributes every LogRecord has; anything else on a record came from `extra=` and goes into the line.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the fields given in `extra=`, the
    request id or task of the line, and the traceback of an exception."""

    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id:
            line["request_id"] = request_id
        task = current_task.get()
        if task:
            line.update(task)
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def request_id_of(request) -> str:
    """The proxy's X-Request-ID when it is a plain token, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID_PATTERN.fullmatch(given) else uuid.uuid4().hex


def _user_id(request):
    """The signed-in user's id, only when the request has already read it: the log never adds a query."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """Gives each request its id (returned in X-Request-ID), times it, writes its log line and counts it in the
    metrics. First in the middleware, so it sees every answer, the static files' too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            response[REQUEST_ID_HEADER] = request.request_id
            metrics.observe_request(status=response.status_code, seconds=duration)
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "event": "request",
                    "request_id": request.request_id,
                    "user_id": _user_id(request),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


# Celery signals: when each task started, by task id (a worker process runs one task at a time per thread).
_task_started = {}


def task_started(task_id=None, task=None, **kwargs):
    _task_started[task_id] = time.perf_counter()
    current_task.set({"task_id": task_id, "task": task.name})


def task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _task_started.pop(task_id, None)
    duration = time.perf_counter() - started if started is not None else 0.0
    metrics.count_task(name=task.name, state=state or "UNKNOWN")
    task_logger.info(
        "%s %s %s",
        task.name,
        task_id,
        state,
        extra={
            "event": "task",
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round(duration * 1000, 1),
        },
    )
    current_task.set(None)


def connect_task_signals():
    """Log and count every task (called once when the app registry is ready)."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(task_started, weak=False, dispatch_uid="kopir-task-started")
    task_postrun.connect(task_finished, weak=False, dispatch_uid="kopir-task-finished")
