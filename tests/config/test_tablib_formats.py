"""A web worker loads openpyxl (and numpy with it) only once it reads or writes a spreadsheet."""

import os
import subprocess
import sys

from django.conf import settings

STARTS_AND_EXPORTS = """
import sys
import django

django.setup()
from django.urls import get_resolver

get_resolver().url_patterns  # every view, the admin with its import/export mixins too
loaded = lambda: [name for name in ("openpyxl", "numpy") if name in sys.modules]
print(loaded())
from import_export.formats.base_formats import XLSX
import tablib

print(XLSX.is_available(), XLSX().can_export(), loaded())
book = tablib.Dataset(["Xinjiang University", 1], headers=["name", "agreements"]).export("xlsx")
print(book[:2] == b"PK", loaded())
"""


def test_a_web_worker_loads_openpyxl_only_to_write_a_spreadsheet():
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    output = subprocess.run(
        [sys.executable, "-c", STARTS_AND_EXPORTS],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env=environment,
    ).stdout.splitlines()

    assert output == ["[]", "True True []", "True ['openpyxl', 'numpy']"]
