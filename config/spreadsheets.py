"""Every spreadsheet the portal writes (nominee lists, the admin's exports) escapes text a spreadsheet would run.

A name such as ``=HYPERLINK("https://evil.example","Click")`` typed by anyone becomes a live formula in Excel
or LibreOffice when it reaches a cell as is. Such text gets a leading apostrophe, the spreadsheets' own mark
for "this is text", and the admin's import takes that apostrophe off again, so an export imports unchanged.

The long spreadsheets (the annual report, the admin list exports) are written by `write_workbook`, with
XlsxWriter in its constant_memory mode: each row is written as it comes, its text inline (no table of shared
strings growing with the rows), so 100,000 rows cost no more memory than one. Every sheet has what the portal's
exports promise: a bold header row frozen at the top, the autofilter on, real numbers and dates (yyyy-mm-dd),
the column widths asked for, text written as it is (escaped by its caller with spreadsheet_safe) less the
characters XML cannot carry. openpyxl, Excel and LibreOffice read them.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import xlsxwriter
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from import_export import resources
from import_export.forms import SelectableFieldsExportForm

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

    def export(self, *args, **kwargs):
        dataset = super().export(*args, **kwargs)
        dataset.title = _sheet_name(capfirst(self._meta.model._meta.verbose_name_plural), 1, set())
        return dataset

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            row[column] = spreadsheet_value(value)
        super().before_import_row(row, **kwargs)


class ExportForm(SelectableFieldsExportForm):
    """The admin's export in the import's own columns (a file that imports back unchanged): each column to pick is
    named by its field's label in the reader's language, its column's name beside it, and "Select all" works under
    the portal's content security policy (js/export-fields.js instead of the inline handler)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/export-fields.js"])

    def _create_boolean_fields(self, resource, index: int):
        names = super()._create_boolean_fields(resource, index)
        for name in names:  # a data- attribute, as HTML has it
            attrs = self.fields[name].widget.attrs
            attrs["data-resource-id"] = attrs.pop("resource-id")
        return names

    def _get_field_label(self, resource, field_name: str) -> str:
        column = resource.fields.get(field_name)
        attribute = column.attribute if column and column.attribute else field_name
        try:
            label = resource._meta.model._meta.get_field(attribute).verbose_name
        except FieldDoesNotExist:
            return super()._get_field_label(resource, field_name)
        return f"{capfirst(label)} ({column.column_name if column else field_name})"


# Characters XML 1.0 cannot carry at all (control characters but tab, line feed and carriage return).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters a sheet's name may not hold.
NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
OPTIONS = {
    "constant_memory": True,
    # Text stays text: no guessing of numbers, formulas or links from a string.
    "strings_to_numbers": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "remove_timezone": True,
}


@dataclass
class Sheet:
    title: str
    header: list
    rows: object  # any iterable of rows, read once
    widths: tuple = ()


def _sheet_name(title, index: int, taken: set) -> str:
    name = NOT_IN_NAMES.sub(" ", ILLEGAL.sub("", str(title))).strip().strip("'")[:31].strip() or f"Sheet{index}"
    if name.lower() in taken or name.lower() == "history":  # "History" is kept by Excel
        suffix = f" ({index})"
        name = name[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _write_rows(sheet, rows, day, moment) -> int:
    """Write the rows from the second on, each cell by its type; returns the index of the last row written."""
    text, number, boolean, when = sheet.write_string, sheet.write_number, sheet.write_boolean, sheet.write_datetime
    illegal = ILLEGAL.sub
    index = 0
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            kind = type(value)
            if kind is str:  # the most common cell first
                if value:
                    text(index, column, illegal("", value))
            elif value is None:
                continue
            elif kind is bool:
                boolean(index, column, value)
            elif kind is int or kind is float or kind is Decimal:
                number(index, column, value)
            elif kind is datetime:
                when(index, column, value, moment)
            elif kind is date:
                when(index, column, value, day)
            elif isinstance(value, bool):
                boolean(index, column, bool(value))
            elif isinstance(value, int | float | Decimal):
                number(index, column, value)
            elif isinstance(value, datetime | date | time):
                when(index, column, value, moment if isinstance(value, datetime) else day)
            else:
                text(index, column, illegal("", str(value)))
    return index


def write_workbook(output, sheets, *, title: str = "") -> None:
    """Write the sheets, in order, as one XLSX file to the binary `output`; each sheet's rows are read once."""
    workbook = xlsxwriter.Workbook(output, OPTIONS)
    workbook.set_properties({"title": ILLEGAL.sub("", str(title))})
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd h:mm"})
    taken = set()
    for index, sheet in enumerate(sheets, start=1):
        worksheet = workbook.add_worksheet(_sheet_name(sheet.title, index, taken))
        width = max(1, len(sheet.header))
        for column, column_width in enumerate(sheet.widths):
            worksheet.set_column(column, column, column_width)
        worksheet.freeze_panes(1, 0)
        for column, label in enumerate(sheet.header):
            worksheet.write_string(0, column, ILLEGAL.sub("", str(label)), bold)
        last = _write_rows(worksheet, sheet.rows, day, moment)
        worksheet.autofilter(0, 0, last, width - 1)
    workbook.close()
