"""gunicorn's settings for the portal: `gunicorn --config python:config.gunicorn config.wsgi` (docs/deploy.md).

The command line and GUNICORN_CMD_ARGS override any of these (the bind address, the number of workers).
"""

import multiprocessing
import os

bind = "127.0.0.1:8000"
# Requests wait on the database and on uploads, not on the processor: a few workers per core.
workers = 2 * multiprocessing.cpu_count() + 1
# An answer that takes this long is a fault: the worker is restarted instead of holding its slot.
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter), so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# The proxy on the same machine is trusted to say the request came by HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1,::1"
# The access log is gunicorn's; with LOG_FORMAT=json the portal writes its own line per request instead.
accesslog = None if os.environ.get("LOG_FORMAT") == "json" else "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}i)s"'


def child_exit(server, worker):
    """A worker that ends leaves its request figures to the others (prometheus_client's multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
