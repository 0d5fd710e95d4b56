"""Every admin list exports what it shows: the columns of its list, translated, for the rows picked.

Two site-wide admin actions, "Export as XLSX" and "Export as CSV": with "select all" they take every row of the
current filter and search. Text a spreadsheet would run is escaped as in config/spreadsheets.py; numbers,
dates and yes/no stay real values in the XLSX.
"""

import csv
import io
from datetime import date, datetime

from django.contrib import admin
from django.contrib.admin.utils import label_for_field, lookup_field
from django.db import models
from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _

from .spreadsheets import spreadsheet_safe


def _value(name, instance, model_admin):
    field, _attr, value = lookup_field(name, instance, model_admin)
    if isinstance(field, models.Field) and field.flatchoices:
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime):
        return (localtime(value) if is_aware(value) else value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | date):
        return value
    if isinstance(field, models.ManyToManyField) or hasattr(value, "all"):
        value = ", ".join(str(item) for item in value.all())
    return spreadsheet_safe(strip_tags(str(value)))


def list_table(model_admin, request, queryset) -> tuple[list[str], list[list]]:
    """The list's header (translated column labels) and one row per object, as the list shows them."""
    names = [name for name in model_admin.get_list_display(request) if name != "action_checkbox"]
    header = [capfirst(strip_tags(str(label_for_field(name, model_admin.model, model_admin)))) for name in names]
    return header, [[_value(name, instance, model_admin) for name in names] for instance in queryset]


def _file_name(model_admin, extension):
    return f"{model_admin.model._meta.model_name}.{extension}"


@admin.action(description=_("Export the selected as XLSX"), permissions=["view"])
def export_xlsx(model_admin, request, queryset):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, rows = list_table(model_admin, request, queryset)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(model_admin.model._meta.verbose_name_plural)[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{len(rows) + 1}"
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(model_admin, "xlsx")}"'
    return response


@admin.action(description=_("Export the selected as CSV"), permissions=["view"])
def export_csv(model_admin, request, queryset):
    header, rows = list_table(model_admin, request, queryset)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    # With a byte order mark, so that Excel reads the UTF-8 (Kazakh, Chinese) as such.
    response = HttpResponse("\ufeff" + output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(model_admin, "csv")}"'
    return response


def register(site):
    site.add_action(export_xlsx)
    site.add_action(export_csv)
