"""Exports written in the background and kept for the person who asked: long admin lists and the annual report.

A service queues an ExportJob and hands it to the task queue after commit; the task (config.tasks.run_export)
writes the file in chunks, records its progress, and keeps it in the private storage for EXPORT_KEEP_DAYS days.
When the broker cannot be reached, nothing is lost: the job stays queued in the database and the minutely sweep
(sweep_exports) hands it over as soon as the queue is back. Each kind of export registers how it is written
(`register_exporter`): the admin lists here, the annual report in insights, which this module does not know.
"""

import logging
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import ExportJob

logger = logging.getLogger(__name__)

# Rows read (and progress recorded) per chunk of a list export: a constant number of queries each.
CHUNK_ROWS = 500
# A job handed to the queue this long ago and still queued lost its task: the sweep hands it over again.
LOST_AFTER = timedelta(minutes=15)

Progress = Callable[[int, int], None]
Exporter = Callable[[ExportJob, object, Progress], None]
EXPORTERS: dict[str, Exporter] = {}


class ExportError(Exception):
    """A failure the requester can act on; its message (translated) is shown on their exports page."""


class ExportWithdrawn(Exception):
    """The job was deleted (or given up on) while it was written: the worker stops and keeps nothing."""


def register_exporter(kind: str, write: Exporter) -> None:
    """Say how an export of `kind` is written: `write(job, output, progress)` writes the file to the binary
    `output` and calls `progress(done, total)` as it goes."""
    EXPORTERS[kind] = write


@transaction.atomic
def queue_export(*, kind, title, fmt, language, parameters, file_name, content_type, by) -> ExportJob:
    """Record an export for `by` and hand it to the task queue after commit. If the broker refuses it the job
    stays queued (enqueued_at empty) for the sweep: the caller can tell the person so."""
    job = ExportJob(
        requested_by=by,
        kind=kind,
        title=str(title)[:255],
        format=fmt,
        language=language,
        parameters=parameters,
        file_name=file_name,
        content_type=content_type,
    )
    job.full_clean()
    job.save()
    transaction.on_commit(partial(_hand_over, job.pk, job))
    return job


def queue_list_export(*, model, query: str, selected: list | None, fmt: str, language: str, by) -> ExportJob:
    """Queue the export of an admin list: its filter and search (`query`, the list's query string) and either
    every row (`selected` None, "select all") or the picked ones."""
    from .list_exports import CSV_TYPE, XLSX_TYPE, file_name

    return queue_export(
        kind=ExportJob.Kind.LIST,
        title=capfirst(str(model._meta.verbose_name_plural)),
        fmt=fmt,
        language=language,
        parameters={"model": model._meta.label_lower, "query": query, "selected": selected},
        file_name=file_name(model, fmt),
        content_type=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE,
        by=by,
    )


def _hand_over(pk: int, job: ExportJob | None = None) -> bool:
    """Give one job to the task queue; False (and the job left for the sweep) when the broker refuses it."""
    from . import tasks  # tasks imports this module

    moment = timezone.now()
    # Marked first: a task that runs at once (eager, or a quick worker) finds the job already handed over.
    ExportJob.objects.filter(pk=pk, status=ExportJob.Status.QUEUED).update(enqueued_at=moment)
    try:
        tasks.run_export.delay(pk)
    except Exception:  # the job waits in the database for the sweep
        logger.exception("Could not hand export %s to the queue; it waits for the sweep", pk)
        ExportJob.objects.filter(pk=pk, enqueued_at=moment).update(enqueued_at=None)
        handed = False
    else:
        handed = True
    if job is not None:
        job.refresh_from_db(fields=["enqueued_at", "status"])
    return handed


def _claim(job_id: int, now: datetime) -> ExportJob | None:
    """Mark the job running, in a short transaction of its own; None if it is gone, finished or running elsewhere."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("requested_by").filter(pk=job_id).first()
        if job is None:
            return None
        stalled = job.status == ExportJob.Status.RUNNING and job.started_at < now - _time_limit()
        if job.status != ExportJob.Status.QUEUED and not stalled:
            return None
        job.status = ExportJob.Status.RUNNING
        job.started_at = now
        job.progress_done = 0
        job.save(update_fields=["status", "started_at", "progress_done"])
    return job


def _time_limit() -> timedelta:
    return timedelta(seconds=settings.EXPORT_TIME_LIMIT)


def _fail(job: ExportJob, message) -> None:
    with translation.override(job.requested_by.language or settings.LANGUAGE_CODE):
        error = str(message)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=error, finished_at=timezone.now())


def run_export(*, job_id: int, now: datetime | None = None) -> None:
    """Write one queued export and keep its file; a second copy of the task (or a retry) does nothing, and a job
    whose worker died is taken up again once its time limit has passed. A failure is recorded in words."""
    job = _claim(job_id, now or timezone.now())
    if job is None:
        return

    def progress(done: int, total: int) -> None:
        recorded = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            progress_done=min(done, total), progress_total=total
        )
        if not recorded:  # deleted from My exports meanwhile: stop at this chunk
            raise ExportWithdrawn

    try:
        with tempfile.TemporaryFile() as output:
            with translation.override(job.language):
                EXPORTERS[job.kind](job, output, progress)
            output.seek(0)
            job.file.save(job.file_name, File(output, name=job.file_name), save=False)
    except ExportWithdrawn:
        return
    except ExportError as error:
        _fail(job, error)
        return
    except SoftTimeLimitExceeded:
        _fail(job, _("The export took longer than the time allowed. Narrow the list with a filter and try again."))
        return
    except Exception:
        logger.exception("Export %s failed", job.pk)
        _fail(job, _("The export could not be written. Try again; if it fails again, tell the administrators."))
        return
    finished = timezone.now()
    written = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        progress_done=F("progress_total"),
        finished_at=finished,
        expires_at=finished + timedelta(days=settings.EXPORT_KEEP_DAYS),
        error="",
    )
    if not written:  # deleted (or given up on) while it was written
        job.file.storage.delete(job.file.name)


def sweep_exports(*, now: datetime | None = None) -> int:
    """Record as failed the jobs whose worker stopped, and hand over again the queued jobs the broker refused or
    lost; returns how many were handed over. Stops at the first refusal: the next sweep goes on."""
    now = now or timezone.now()
    for job in ExportJob.objects.stalled(started_before=now - _time_limit() - LOST_AFTER).select_related(
        "requested_by"
    ):
        _fail(job, _("The export was interrupted before it finished. Start it again."))
    handed = 0
    for pk in (
        ExportJob.objects.waiting(handed_over_before=now - LOST_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)
    ):
        if not _hand_over(pk):
            break
        handed += 1
    return handed


def expire_exports(*, now: datetime | None = None) -> int:
    """Delete the files of the exports kept past EXPORT_KEEP_DAYS, and mark them expired; returns how many.
    Idempotent: an expired job has no file left to delete."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.expired_by(now):
        if job.file:
            job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file=""
        )
        expired += 1
    return expired


def purge_exports(*, now: datetime | None = None) -> int:
    """Delete the rows of the exports that failed, or whose file expired, more than EXPORT_KEEP_DAYS days ago, in
    one query (they have no file left), so the table stays bounded; returns how many went. Idempotent."""
    moment = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    purgeable = ExportJob.objects.ended_before(moment)
    # Nothing refers to an export and no receiver needs its rows, so one DELETE does (delete() would read them
    # first, as receivers of every model's post_delete, the caches', are connected).
    return purgeable._raw_delete(purgeable.db)


@transaction.atomic
def delete_export(job: ExportJob) -> ExportJob | None:
    """Delete one export and, after commit, its file; returns it as it was when deleted (None if already gone). A
    job being written goes too: its worker stops at its next chunk, or discards the file it wrote (run_export)."""
    locked = ExportJob.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None:
        return None
    name, storage = locked.file.name, locked.file.storage
    locked.delete()
    if name:
        transaction.on_commit(partial(storage.delete, name))
    return locked


@transaction.atomic
def run_export_again(job: ExportJob) -> ExportJob:
    """Queue a new export like a failed or expired one (kind, format, language, parameters) for the same person,
    through queue_export, and delete the old row it replaces; a second click finds it gone and is refused."""
    locked = ExportJob.objects.select_for_update().select_related("requested_by").filter(pk=job.pk).first()
    if locked is None:
        raise ValidationError(_("This export was already run again or deleted."), code="gone")
    if not locked.can_run_again:
        raise ValidationError(_("Only a failed or expired export can be run again."), code="state")
    again = queue_export(
        kind=locked.kind,
        title=locked.title,
        fmt=locked.format,
        language=locked.language,
        parameters=locked.parameters,
        file_name=locked.file_name,
        content_type=locked.content_type,
        by=locked.requested_by,
    )
    locked.delete()
    return again


def list_request(job: ExportJob):
    """The request the admin list saw, rebuilt for the worker: its query string, as its requester."""
    from django.http import HttpRequest, QueryDict

    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(job.parameters.get("query", ""))
    request.user = job.requested_by
    request.LANGUAGE_CODE = job.language
    return request


def write_list(job: ExportJob, output, progress: Progress) -> None:
    """Write an admin list's rows as its list shows them now (filter, search, order), chunk by chunk, for a
    requester who may still see that list."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.admin.options import IncorrectLookupParameters

    from .list_exports import export_queryset, list_columns, list_rows, write_csv, write_xlsx

    try:
        model = apps.get_model(job.parameters["model"])
        model_admin = admin.site._registry[model]
    except (KeyError, LookupError) as missing:
        raise ExportError(_("This list no longer exists.")) from missing
    request = list_request(job)
    if not job.requested_by.is_active or not model_admin.has_view_permission(request):
        raise ExportError(_("You may no longer see this list."))
    try:
        queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    except IncorrectLookupParameters as wrong:
        raise ExportError(_("The list's filter is no longer valid. Export it again from the list.")) from wrong
    if job.parameters.get("selected") is not None:
        queryset = queryset.filter(pk__in=job.parameters["selected"])
    total = queryset.count()
    progress(0, total)
    names, header = list_columns(model_admin, request)

    def rows():
        objects = export_queryset(model_admin, names, queryset).iterator(chunk_size=CHUNK_ROWS)
        for done, row in enumerate(list_rows(model_admin, names, objects, CHUNK_ROWS), start=1):
            yield row
            if done % CHUNK_ROWS == 0:
                progress(done, max(total, done))

    if job.format == ExportJob.Format.XLSX:
        write_xlsx(output, title=model._meta.verbose_name_plural, header=header, rows=rows())
    else:
        write_csv(output, header=header, rows=rows())


register_exporter(ExportJob.Kind.LIST, write_list)


def may_read_exports(user) -> bool:
    """Whoever may use the admin exports its lists, so has a page of their own exports."""
    return user.is_active and user.is_staff


def may_download_export(user, job: ExportJob) -> bool:
    """An export is kept for the person who asked for it, and for nobody else."""
    return may_read_exports(user) and job.requested_by_id == user.pk


def may_run_export_again(user, job: ExportJob) -> bool:
    """Only its requester runs an export again: the new file is kept for them alone, written as they see the list."""
    return may_download_export(user, job)


def may_delete_export(user, job: ExportJob) -> bool:
    """Its requester deletes an export; so may a superuser, who looks after the private storage."""
    return may_read_exports(user) and (job.requested_by_id == user.pk or user.is_superuser)
