"""The suite itself and the Makefile that runs it: `make run` installs no test tool, test modules share helpers
and fixtures instead of importing each other, and parallel workers never share a Redis database."""

import ast
import os
import shutil
import subprocess

import pytest
from django.core.cache import cache

from config.celery import app as celery_app
from tests.helpers import BASE_DIR, skip_or_fail, worker_redis_url

TESTS = BASE_DIR / "tests"


def dry_run(target, tmp_path):
    """What `make <target>` would run on a fresh clone: no virtual environment yet (a new one under tmp_path)."""
    if not shutil.which("make"):
        skip_or_fail("The Makefile test needs make.")
    result = subprocess.run(
        ["make", "--dry-run", target, f"VENV={tmp_path / 'venv'}"],
        cwd=BASE_DIR,
        env={**os.environ, "MAKEFLAGS": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.replace(str(tmp_path / "venv"), "VENV")


def installs(commands):
    return [line.split("pip install", 1)[1].strip() for line in commands.splitlines() if "pip install" in line]


def test_make_run_installs_the_runtime_dependencies_only(tmp_path):
    commands = dry_run("run", tmp_path)

    assert "python3 -m venv VENV" in commands
    assert installs(commands) == ["--quiet --upgrade pip", "--quiet -r requirements.txt"]
    assert "requirements-dev" not in commands
    assert "runserver" in commands


def test_make_test_adds_the_test_dependencies_and_runs_the_suite_in_parallel(tmp_path):
    commands = dry_run("test", tmp_path)

    assert installs(commands)[1:] == ["--quiet -r requirements.txt", "--quiet -r requirements-dev.txt"]
    assert "VENV/bin/pytest --numprocesses 2" in commands


def package_of(path):
    return ".".join(path.relative_to(BASE_DIR).with_suffix("").parts[:-1])


def imported_modules(source, package):
    """The dotted names a Python source imports, relative imports resolved against its package."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def is_test_module(name):
    last = name.rsplit(".", 1)[-1]
    return name.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def test_no_test_module_imports_another_test_module_or_a_conftest():
    offenders = [
        f"{path.relative_to(BASE_DIR)} imports {name}"
        for path in sorted(TESTS.rglob("*.py"))
        for name in sorted(set(imported_modules(path.read_text(), package_of(path))))
        if is_test_module(name)
    ]

    assert offenders == [], "Move what they share into tests/helpers.py or a conftest.py fixture."


def test_the_import_check_sees_relative_and_absolute_imports_of_test_modules():
    source = "from .conftest import days\nfrom . import test_rules\nimport tests.config.test_deploy\n"
    names = set(imported_modules(source, package_of(TESTS / "notifications" / "test_x.py")))

    assert {"tests.notifications.conftest", "tests.notifications.test_rules", "tests.config.test_deploy"} <= names
    assert all(is_test_module(name) for name in names if name.count(".") == 2)
    assert not is_test_module("tests.helpers") and not is_test_module("tests.quality.pages")


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/8", None, "redis://127.0.0.1:6379/8"),
        ("redis://127.0.0.1:6379/8", "gw0", "redis://127.0.0.1:6379/8"),
        ("redis://127.0.0.1:6379/8", "gw1", "redis://127.0.0.1:6379/9"),
        ("redis://127.0.0.1:6379/15", "gw1", "redis://127.0.0.1:6379/0"),
        ("redis://127.0.0.1:6379", "gw2", "redis://127.0.0.1:6379/2"),
        ("", "gw1", ""),
    ],
)
def test_each_parallel_worker_has_a_redis_database_of_its_own(url, worker, expected):
    assert worker_redis_url(url, worker) == expected


def test_the_cache_and_the_broker_of_this_worker_use_its_redis_database(settings):
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the suite runs on Redis on CI.")
    import redis

    cache.set("the-suite-check", "here")

    database = int(settings.REDIS_URL.rsplit("/", 1)[1])
    assert redis.Redis.from_url(settings.REDIS_URL).get(cache.make_and_validate_key("the-suite-check")) is not None
    assert celery_app.connection_for_write().as_uri().endswith(f"/{database}")
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL == os.environ["REDIS_URL"]
