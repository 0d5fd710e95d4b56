"""Every public and student page, in every language, is valid HTML for the Nu HTML Checker."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import skip_or_fail
from tests.quality.pages import PUBLIC_PAGES, localised, populate, signed_in_pages

pytestmark = [pytest.mark.django_db, pytest.mark.java]
VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_pages_are_valid_html_in_every_language(client, tmp_path):
    if not VNU.exists() or not shutil.which("java"):
        skip_or_fail("The Nu HTML Checker needs Java and `npm ci` (node_modules/vnu-jar).")
    populate()
    files = {}
    for person, pages in [(None, PUBLIC_PAGES), *signed_in_pages()]:
        if person:
            client.force_login(person)
        for path in localised(pages):
            response = client.get(path)
            assert response.status_code == 200, path
            file = tmp_path / f"{len(files):03}.html"
            file.write_bytes(response.content)
            files[str(file)] = path

    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=True,
    )

    errors = [
        f"{files[message['url'].removeprefix('file:')]}:{message.get('lastLine')}: {message['message']}"
        for message in json.loads(result.stderr)["messages"]
    ]
    assert errors == []
