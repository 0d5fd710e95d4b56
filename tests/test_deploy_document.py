"""docs/deploy.md and the files it names: every setting documented, every unit's command real, one beat."""

import ast
import importlib
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from config.files import DOCUMENT_MAX_BYTES
from tests.helpers import BASE_DIR

DOCUMENT = (BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
UNITS = sorted((BASE_DIR / "deploy" / "systemd").glob("*.service"))
NGINX = (BASE_DIR / "deploy" / "nginx" / "kopir.conf").read_text(encoding="utf-8")
CHECKOUT = "/srv/kopir"  # where the units expect the portal


def settings_read_from_the_environment() -> set[str]:
    """Every name config/settings.py reads with env(...), env.str(...), env.bool(...) and the like."""
    tree = ast.parse((BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        function = node.func
        reads_env = (isinstance(function, ast.Name) and function.id == "env") or (
            isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) and function.value.id == "env"
        )
        if reads_env and isinstance(node.args[0].value, str):
            names.add(node.args[0].value)
    return names


def test_the_settings_reader_finds_the_settings():
    assert {"SECRET_KEY", "DATABASE_URL", "PORT", "STATICFILES_BACKEND", "LOG_FORMAT"} <= (
        settings_read_from_the_environment()
    )


@pytest.mark.parametrize("name", sorted(settings_read_from_the_environment()))
def test_every_setting_read_from_the_environment_is_documented(name):
    assert f"`{name}`" in DOCUMENT or re.search(rf"^#? ?{name}=", ENV_EXAMPLE, re.MULTILINE), name


@pytest.mark.parametrize(
    "part",
    ["nginx", "gunicorn", "Celery workers", "Celery beat", "PostgreSQL", "Redis", "object store", "mail server"],
)
def test_the_document_lists_every_moving_part(part):
    assert f"**{part}**" in DOCUMENT


@pytest.mark.parametrize(
    "name",
    [
        "AWS_S3_ENDPOINT_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_PRIVATE_BUCKET_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ],
)
def test_the_object_store_and_its_variables_are_documented_with_a_link_to_its_own_document(name):
    assert f"`{name}`" in DOCUMENT
    assert "](storage.md)" in DOCUMENT


def test_the_readme_links_the_deploy_document():
    assert "](docs/deploy.md)" in (BASE_DIR / "README.md").read_text(encoding="utf-8")


def test_every_file_the_document_names_is_in_the_repository():
    for name in re.findall(r"`((?:deploy|config|docs)/[\w./@-]+)`", DOCUMENT):
        if "*" not in name and not name.endswith("/"):
            assert (BASE_DIR / name).exists(), name


def commands(unit: Path) -> list[list[str]]:
    """The command lines of a unit's Exec* directives."""
    lines = re.findall(r"^Exec\w+=(.+)$", unit.read_text(encoding="utf-8"), re.MULTILINE)
    return [shlex.split(line.replace("%%", "%")) for line in lines]


def local(path: str) -> Path:
    """A path of the deployed checkout, in this checkout; a system path as it is."""
    return BASE_DIR / path.removeprefix(f"{CHECKOUT}/") if path.startswith(f"{CHECKOUT}/") else Path(path)


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_every_unit_runs_commands_that_exist(unit):
    text = unit.read_text(encoding="utf-8")
    assert f"WorkingDirectory={CHECKOUT}\n" in text
    assert "EnvironmentFile=/etc/kopir/kopir.env\n" in text
    for words in commands(unit):
        program = local(words[0])
        assert program.is_file(), f"{unit.name}: {words[0]}"
        if program.name == "python":
            script, command = words[1], words[2]
            assert local(script) == BASE_DIR / "manage.py"
            assert command in get_commands(), f"{unit.name}: manage.py {command}"
        elif program.name == "gunicorn":
            config = words[words.index("--config") + 1]
            importlib.import_module(config.removeprefix("python:"))
            assert importlib.import_module(words[-1]).application
        elif program.name == "celery":
            assert words[1:3] == ["-A", "config"]
            assert importlib.import_module("config.celery").app.main == "kopir"
            assert words[3] in {"worker", "beat"}


def test_the_web_unit_passes_gunicorns_own_check():
    (words,) = [w for w in commands(BASE_DIR / "deploy" / "systemd" / "kopir-web.service") if "gunicorn" in w[0]]
    gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        gunicorn = Path(sys.executable).parent / "gunicorn"

    result = subprocess.run(
        [str(gunicorn), *words[1:-1], "--check-config", words[-1]],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_exactly_one_unit_runs_beat_and_no_worker_runs_it_too():
    beats = [unit.name for unit in UNITS for words in commands(unit) if "beat" in words]
    workers_with_beat = [
        unit.name for unit in UNITS for words in commands(unit) if "worker" in words and {"--beat", "-B"} & set(words)
    ]
    assert beats == ["kopir-beat.service"]
    assert workers_with_beat == []


def nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_the_proxy_takes_the_largest_document_and_not_much_more():
    (limit,) = re.findall(r"client_max_body_size\s+(\w+);", NGINX)
    assert DOCUMENT_MAX_BYTES < nginx_size(limit) <= 2 * DOCUMENT_MAX_BYTES


def test_the_proxy_has_tls_the_media_route_the_forwarded_headers_and_keeps_metrics_inside():
    assert re.search(r"listen 443 ssl;", NGINX)
    assert re.search(r"location /media/ \{\s+proxy_pass http://kopir;", NGINX)
    assert re.search(r"location = /metrics \{\s+return 404;", NGINX)
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID", "Host"):
        assert f"proxy_set_header {header} " in NGINX
