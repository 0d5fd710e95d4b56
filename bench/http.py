"""The HTTP section of `make bench`: gunicorn as in production against the bench database, loaded by wrk.

Two workers, DEBUG off, the portal's middleware and Redis cache; the floor (an empty view behind the same
middleware, bench/urls.py) is measured in the same run, and each page's throughput is given as a share of it.
wrk (Debian's `wrk`) is the load generator; where it is missing, a Python generator stands in and the report
says so (it is then itself a limit, and the shares are lower than the server's).
"""

import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote as quote_url

from django.conf import settings
from django.db import connection

WORKERS = 2
CONNECTIONS = 8
SECONDS = {"small": 2, "full": 5}
# Behind the HTTPS proxy of production: the proxy says the request came over HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
GOALS = {"public": 50, "signed_in": 20, "search": 10, "worker_rss_mb": 200}
SIGNED_IN_FLOOR = "Floor signed in (office staff: session, user, two-factor check)"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def database_url() -> str:
    """The bench's own (throwaway) database, for the server's DATABASE_URL."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the portal (bench.settings: the portal's settings plus the floor's URL)."""

    def __init__(self, environment=None):
        self.port = free_port()
        self.process = None
        self.environment = environment or {}

    def __enter__(self):
        environment = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DATABASE_URL": database_url(),
                "DJANGO_DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1",
                "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{self.port}",
                "STAFF_MFA_REQUIRED": "1",
            }
            | self.environment
        )
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(WORKERS)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "120"]
        self.process = subprocess.Popen(command, env=environment, cwd=settings.BASE_DIR)  # noqa: S603 (fixed arguments)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/bench-floor/")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{quote(path)}"

    def get(self, path, cookie=None):
        """One request, redirects not followed: (status, body)."""
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            link.request("GET", quote(path), headers=PROXY_HEADERS | ({"Cookie": cookie} if cookie else {}))
            answer = link.getresponse()
            return answer.status, answer.read()
        finally:
            link.close()

    def post(self, path, body, headers):
        """One form sent, redirects not followed: its status."""
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            link.request("POST", path, body=body, headers=PROXY_HEADERS | headers)
            answer = link.getresponse()
            answer.read()
            return answer.status
        finally:
            link.close()

    def workers_rss_mb(self) -> list[float]:
        """The resident memory of each worker (children of the gunicorn master), from /proc."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                sizes.append(round(int(fields["VmRSS"].split()[0]) / 1024, 1))
        return sorted(sizes)


def quote(path):
    """The path as sent on the wire: any letter outside ASCII (a search in Chinese) percent-encoded."""
    return quote_url(path, safe="/?=&%:-")


def _milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def run_wrk(url, seconds, cookie=None):
    command = [shutil.which("wrk"), "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (PROXY_HEADERS | ({"Cookie": cookie} if cookie else {})).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=False).stdout  # noqa: S603
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    throughput = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not throughput or len(latency) < 2:
        return {"requests_per_second": 0.0, "p50_ms": None, "p99_ms": None, "errors": f"wrk: {output[-200:]!r}"}
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": float(throughput.group(1)),
        "p50_ms": _milliseconds(latency["50"]),
        "p99_ms": _milliseconds(latency["99"]),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def run_python(url, seconds, cookie=None):
    """A stand-in for wrk: CONNECTIONS threads on keep-alive connections (slower than the server can be)."""
    host, port, path = re.fullmatch(r"http://([^:/]+):(\d+)(.*)", url).groups()
    timings, errors, stop = [], [0], time.monotonic() + seconds
    headers = PROXY_HEADERS | ({"Cookie": cookie} if cookie else {})

    def load():
        link = http.client.HTTPConnection(host, int(port), timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                link.request("GET", path, headers=headers)
                answer = link.getresponse()
                answer.read()
                if answer.status >= 400:
                    errors[0] += 1
            except OSError:
                errors[0] += 1
                link.close()
                link = http.client.HTTPConnection(host, int(port), timeout=10)
            timings.append((time.perf_counter() - started) * 1000)
        link.close()

    threads = [threading.Thread(target=load) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timings.sort()
    return {
        "requests_per_second": round(len(timings) / seconds, 1),
        "p50_ms": round(statistics.median(timings), 2) if timings else None,
        "p99_ms": round(timings[int(len(timings) * 0.99)], 2) if timings else None,
        "errors": errors[0],
    }


def bench_http(scale, pages):
    """Each page under load between two runs of the floor: pages are (label, path, session cookie or None, kind of
    goal). Every worker is warmed up under load on the floor first, so the floor is not measured cold; each share
    is of the higher of the two floor runs."""
    generator = run_wrk if shutil.which("wrk") else run_python
    seconds = SECONDS[scale]
    floor = ("Floor (empty view, same middleware)", "/bench-floor/", None, None)
    floor_again = ("Floor again, after the pages", "/bench-floor/", None, None)
    figures = []
    with Server() as server:
        generator(server.url(floor[1]), 1)  # warms both workers up, not counted
        for label, path, cookie, kind in [floor, *pages, floor_again]:
            status, _body = server.get(path, cookie)  # warms the worker and the cache; says what a reader gets
            server.get(path, cookie)
            figures.append(
                {"page": label, "url": path, "status": status, "goal": kind}
                | generator(server.url(path), seconds, cookie)
                | {"worker_rss_mb": max(server.workers_rss_mb(), default=0)}
            )
        rss = server.workers_rss_mb()
    floor_rate = max(figures[0]["requests_per_second"], figures[-1]["requests_per_second"]) or 1
    for figure in figures:
        figure["floor_share"] = round(100 * figure["requests_per_second"] / floor_rate, 1)
    return {
        "generator": "wrk" if generator is run_wrk else "python (wrk is missing: the generator is itself a limit)",
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds_per_page": seconds,
        "pages": figures,
        "worker_rss_mb": rss,
        "goals": GOALS,
    }


def report_lines(section) -> list[str]:
    mark = {True: "met", False: "MISSED"}
    goals = section["goals"]
    lines = [
        "",
        f"## HTTP: gunicorn ({section['workers']} workers, DEBUG off), {section['generator']}, "
        f"{section['connections']} connections, {section['seconds_per_page']} s per page",
        "",
        "Shares: of the higher of the two floor runs; last column: the largest worker's memory after the page.",
        "",
        "| page | status | req/s | p50 ms | p99 ms | errors | share of the floor (goal) | worker RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    signed_in_floor = next((page for page in section["pages"] if page["page"] == SIGNED_IN_FLOOR), None)
    for page in section["pages"]:
        share = f"{page['floor_share']} %"
        if page["goal"]:
            limit = goals[page["goal"]]
            share += f" (≥ {limit} %, {mark[page['floor_share'] >= limit]})"
            if page["goal"] == "signed_in" and page["floor_share"] < limit and signed_in_floor:
                share += f"; bound: the signed-in floor itself reaches {signed_in_floor['floor_share']} %"
        lines.append(
            f"| {page['page']} | {page['status']} | {page['requests_per_second']} | {page['p50_ms']} "
            f"| {page['p99_ms']} | {page['errors']} | {share} | {page.get('worker_rss_mb', '')} |"
        )
    rss = section["worker_rss_mb"]
    largest = max(rss, default=0)
    lines += [
        "",
        f"Web workers' memory (RSS) after the whole page set: {', '.join(f'{size} MB' for size in rss)} "
        f"(goal ≤ {goals['worker_rss_mb']} MB) {mark[largest <= goals['worker_rss_mb']]}",
    ]
    return lines
