"""Every spreadsheet the portal writes (nominee lists, the admin's exports) escapes text a spreadsheet would run.

A name such as ``=HYPERLINK("https://evil.example","Click")`` typed by anyone becomes a live formula in Excel
or LibreOffice when it reaches a cell as is. Such text gets a leading apostrophe, the spreadsheets' own mark
for "this is text", and the admin's import takes that apostrophe off again, so an export imports unchanged.
"""

import re

from import_export import resources

# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"), tab and carriage return included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


def spreadsheet_safe(value):
    """The value as a spreadsheet cell that never runs: text starting like a formula is marked as text.

    Other values (numbers, dates, empty cells) and text that is a plain signed number pass unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_value(value):
    """A cell read back from a spreadsheet the portal wrote: the apostrophe spreadsheet_safe added comes off."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeResource(resources.ModelResource):
    """The base of every admin export and import (django-import-export): cells are escaped on the way out."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = spreadsheet_value(value)
        super().before_import_row(row, **kwargs)
