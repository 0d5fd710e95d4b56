"""Every admin list exports what it shows: the columns of its list, translated, for the rows picked.

Two site-wide admin actions, "Export as XLSX" and "Export as CSV": with "select all" they take every row of the
current filter and search. Text a spreadsheet would run is escaped as in config/spreadsheets.py; numbers,
dates and yes/no stay real values in the XLSX. A list of more than EXPORT_QUEUE_ROWS rows is written by a task
(config/exports.py) and kept for the person on their "My exports" page; a smaller one is downloaded at once.
"""

import csv
import io
from datetime import date, datetime
from itertools import islice

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import label_for_field, lookup_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .spreadsheets import spreadsheet_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _cell(field, value):
    """A value as an export's cell: choices by their label, dates as dates, text stripped of HTML and escaped."""
    if isinstance(field, models.Field) and field.flatchoices:
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime):
        return (localtime(value) if is_aware(value) else value).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | date):
        return value
    if isinstance(field, models.ManyToManyField) or hasattr(value, "all"):
        value = ", ".join(str(item) for item in value.all())
    text = str(value)
    return spreadsheet_safe(strip_tags(text) if "<" in text else text)


def _value(name, instance, model_admin):
    field, _attr, value = lookup_field(name, instance, model_admin)
    return _cell(field, value)


def list_columns(model_admin, request) -> tuple[list[str], list[str]]:
    """The list's columns: their names in list_display and their translated labels."""
    names = [name for name in model_admin.get_list_display(request) if name != "action_checkbox"]
    header = [capfirst(strip_tags(str(label_for_field(name, model_admin.model, model_admin)))) for name in names]
    return names, header


def export_values(loader):
    """Mark an admin column (a method of list_display) with how exports read it for a chunk of rows at once:
    `loader(model_admin, objects)` returns {pk: cell value}, so a long export costs queries per chunk, not per row.
    """

    def mark(method):
        method.export_values = loader
        return method

    return mark


def _column(model_admin, name):
    """How an export reads one column, decided once: ("chunk", loader) for a column with a loader of its own;
    ("key", attname, field, name) for a model field whose cell depends on its stored value alone (choices, a
    country, a foreign key: each label is computed once per export); ("field", name, field) for another field of
    the row; ("lookup", name) for anything else, read as the list reads it."""
    model = model_admin.model
    method = getattr(model_admin, name, None) if isinstance(name, str) else None
    loader = getattr(method, "export_values", None) or getattr(getattr(model, str(name), None), "export_values", None)
    if loader is not None:
        return ("chunk", loader)
    try:
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, TypeError):
        return ("lookup", name)
    if field.many_to_many or field.one_to_many or (field.one_to_one and not field.concrete):
        return ("lookup", name)
    if field.many_to_one or field.flatchoices or isinstance(field, CountryField):
        return ("key", field.attname, field, name)
    return ("field", name, field)


def export_queryset(model_admin, names, queryset):
    """The rows of an export: the list's prefetches are dropped when no column reads them row by row (the columns
    that need related rows have loaders of their own)."""
    if all(_column(model_admin, name)[0] != "lookup" for name in names):
        return queryset.prefetch_related(None)
    return queryset


def list_rows(model_admin, names, objects, chunk_rows=500):
    """One row per object, as the list shows it. Columns with a loader are read chunk by chunk; labels of choices,
    countries and related rows are computed once per export, not once per row."""
    columns = [_column(model_admin, name) for name in names]
    labels = [{} for _column_ in columns]  # per column: stored value -> cell
    objects = iter(objects)
    while chunk := list(islice(objects, chunk_rows)):
        loaded = [column[1](model_admin, chunk) if column[0] == "chunk" else None for column in columns]
        for instance in chunk:
            row = []
            for column, known, values in zip(columns, labels, loaded, strict=True):
                kind = column[0]
                if kind == "key":
                    key = getattr(instance, column[1])
                    if key not in known:
                        known[key] = _cell(column[2], getattr(instance, column[3]))
                    row.append(known[key])
                elif kind == "field":
                    row.append(_cell(column[2], getattr(instance, column[1])))
                elif kind == "chunk":
                    row.append(_cell(None, values.get(instance.pk)))
                else:
                    row.append(_value(column[1], instance, model_admin))
            yield row


def list_table(model_admin, request, queryset) -> tuple[list[str], list[list]]:
    """The list's header (translated column labels) and one row per object, as the list shows them."""
    names, header = list_columns(model_admin, request)
    return header, list(list_rows(model_admin, names, export_queryset(model_admin, names, queryset)))


def write_xlsx(output, *, title, header, rows) -> int:
    """Write one sheet (bold header, autofilter on) row by row, in constant memory (config/spreadsheets.py: no table of
    shared strings growing with the rows); returns the number of rows."""
    from .spreadsheets import Sheet, write_workbook

    count = 0

    def numbered():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    write_workbook(output, [Sheet(str(title), [str(label) for label in header], numbered())])
    return count


def write_csv(output, *, header, rows) -> int:
    """Write UTF-8 CSV with a byte order mark (so that Excel reads Kazakh and Chinese as such) to a binary file;
    yes/no is written in the reader's language, as a CSV has no booleans."""
    text = io.TextIOWrapper(output, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(header)
    words = {True: gettext("Yes"), False: gettext("No"), None: ""}
    count = 0
    for row in rows:
        writer.writerow([words[cell] if cell is None or isinstance(cell, bool) else cell for cell in row])
        count += 1
    text.detach()  # the caller keeps the binary file open
    return count


def file_name(model, extension):
    return f"{model._meta.model_name}.{extension}"


def _export(model_admin, request, queryset, fmt):
    if queryset.count() > settings.EXPORT_QUEUE_ROWS:
        return _queue(model_admin, request, fmt)
    header, rows = list_table(model_admin, request, queryset)
    output = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(output, title=model_admin.model._meta.verbose_name_plural, header=header, rows=rows)
    else:
        write_csv(output, header=header, rows=rows)
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name(model_admin.model, fmt)}"'
    return response


def _queue(model_admin, request, fmt):
    """A long list is written by a task: the person is taken to their exports, where its progress shows."""
    from .exports import queue_list_export

    select_across = request.POST.get("select_across") == "1"
    job = queue_list_export(
        model=model_admin.model,
        query=request.GET.urlencode(),
        selected=None if select_across else request.POST.getlist(ACTION_CHECKBOX_NAME),
        fmt=fmt,
        language=get_language(),
        by=request.user,
    )
    if job.enqueued_at is None:
        model_admin.message_user(
            request,
            _(
                "The list is long, so it is written in the background, but the task queue cannot be reached just "
                "now. Your export is kept and starts by itself as soon as the queue is back; it waits below."
            ),
            messages.WARNING,
        )
    else:
        model_admin.message_user(
            request, _("The list is long, so it is written in the background: it will be ready below.")
        )
    return redirect("admin:config_exportjob_changelist")


@admin.action(description=_("Export the selected as XLSX"), permissions=["view"])
def export_xlsx(model_admin, request, queryset):
    return _export(model_admin, request, queryset, "xlsx")


@admin.action(description=_("Export the selected as CSV"), permissions=["view"])
def export_csv(model_admin, request, queryset):
    return _export(model_admin, request, queryset, "csv")


def register(site):
    site.add_action(export_xlsx)
    site.add_action(export_csv)
