"""tablib's XLSX format (django-import-export's admin exports), loaded only when a spreadsheet is read or written.

django-import-export checks at import time which formats tablib can handle, which loads openpyxl and with it
numpy: some 40 MB in every web worker that never writes a spreadsheet. Registered in tablib in its place, this
format answers that check at once and loads tablib's own on first use. The portal's own spreadsheets import
openpyxl where they are written.
"""

import importlib
from importlib.util import find_spec

REAL = "tablib.formats._xlsx"


def _real():
    return importlib.import_module(REAL).XLSXFormat


class LazyXLSXFormat:
    title = "xlsx"
    extensions = ("xlsx",)

    def detect(self, *args, **kwargs):
        return _real().detect(*args, **kwargs)

    def export_set(self, *args, **kwargs):
        return _real().export_set(*args, **kwargs)

    def export_book(self, *args, **kwargs):
        return _real().export_book(*args, **kwargs)

    def import_set(self, *args, **kwargs):
        return _real().import_set(*args, **kwargs)

    def import_book(self, *args, **kwargs):
        return _real().import_book(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(_real(), name)


def register():
    """Put the lazy XLSX format in tablib's registry, before django-import-export first asks for it."""
    from tablib.formats import registry

    if find_spec("openpyxl") is not None and isinstance(registry._formats.get("xlsx", REAL), str):
        registry.register("xlsx", LazyXLSXFormat())
