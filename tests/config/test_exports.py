"""Exports written in the background: a long admin list and the annual report, kept for the person who asked."""

import datetime
import io
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config import exports
from config.models import ExportJob
from tests.factories import PartnerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/en/admin/partnerships/partner/"
MY_EXPORTS = "/en/admin/config/exportjob/"


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    settings.EXPORT_QUEUE_ROWS = 2
    user = StaffFactory(language="ru")
    client.force_login(user)
    client.user = user
    return client


def export_all(client, action, query, selected, capture):
    """Run an export action on every row of the filtered list ("select all"), its task run after commit."""
    with capture(execute=True):
        return client.post(
            f"{LIST}?{query}",
            {"action": action, "select_across": "1", "index": "0", "_selected_action": [selected.pk]},
        )


def body(response):
    return b"".join(response.streaming_content)


def test_a_long_filtered_list_is_written_by_its_task_and_downloaded_from_my_exports(
    office, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    chinese = [PartnerFactory(country="CN", name_en=f"Chinese university {n}") for n in range(3)]
    PartnerFactory(country="TR", name_en="Turkish university")

    response = export_all(
        office, "export_xlsx", "country__exact=CN&o=1", chinese[0], django_capture_on_commit_callbacks
    )

    assert response.status_code == 302 and response["Location"] == MY_EXPORTS
    job = ExportJob.objects.get()
    assert (job.requested_by, job.kind, job.format, job.status) == (office.user, "list", "xlsx", "done")
    assert (job.progress_done, job.progress_total, job.percent) == (3, 3, 100)
    assert job.file.name.startswith("exports/") and job.file.storage.exists(job.file.name)
    assert job.expires_at == job.finished_at + datetime.timedelta(days=7)
    page = office.get(MY_EXPORTS)
    download_url = reverse("admin:config_exportjob_download", args=[job.pk])
    assert download_url.encode() in page.content
    assert b'<progress id="export-%d-progress" max="100" value="100">100%%</progress>' % job.pk in page.content
    downloaded = office.get(download_url)
    assert downloaded["Content-Disposition"] == 'attachment; filename="partner.xlsx"'
    assert "private, no-store" in downloaded["Cache-Control"]
    sheet = load_workbook(io.BytesIO(body(downloaded))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [f"Chinese university {n}" for n in range(3)]  # the list's order
    assert sheet.auto_filter.ref == f"A1:{chr(64 + len(rows[0]))}4"


def test_a_long_csv_export_of_picked_rows_keeps_only_those(office, django_capture_on_commit_callbacks):
    picked = [PartnerFactory(name_en=f"Picked {n}") for n in range(3)]
    PartnerFactory(name_en="Left out")

    with django_capture_on_commit_callbacks(execute=True):
        office.post(LIST, {"action": "export_csv", "index": "0", "_selected_action": [p.pk for p in picked]})

    job = ExportJob.objects.get()
    assert job.parameters["selected"] == [str(p.pk) for p in picked]
    content = body(office.get(reverse("admin:config_exportjob_download", args=[job.pk]))).decode("utf-8-sig")
    assert "Left out" not in content and all(f"Picked {n}" in content for n in range(3))


def test_a_short_list_is_still_downloaded_at_once(office):
    partner = PartnerFactory()

    response = office.post(LIST, {"action": "export_csv", "index": "0", "_selected_action": [partner.pk]})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert not ExportJob.objects.exists()


def test_only_the_person_who_asked_downloads_an_export_or_sees_it(office, client, django_capture_on_commit_callbacks):
    partners = [PartnerFactory() for _ in range(3)]
    export_all(office, "export_csv", "", partners[0], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    url = reverse("admin:config_exportjob_download", args=[job.pk])
    office.logout()

    colleague = StaffFactory()
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert url.encode() not in client.get(MY_EXPORTS).content
    assert client.get(reverse("admin:config_exportjob_status"), {"id": job.pk}).json() == {"jobs": []}
    client.force_login(UserFactory())  # not staff: the admin's sign-in
    assert client.get(url).status_code == 302
    client.force_login(job.requested_by)
    response = client.get(url)
    assert response.status_code == 200 and body(response).startswith(b"\xef\xbb\xbf")


def test_the_status_of_unfinished_exports_is_read_by_the_page(office):
    job = ExportJob.objects.create(
        requested_by=office.user,
        kind="list",
        title="Partners",
        format="csv",
        language="en",
        file_name="partner.csv",
        content_type="text/csv",
        status="running",
        progress_done=250,
        progress_total=1000,
    )

    page = office.get(MY_EXPORTS)
    status = office.get("/ru/admin/config/exportjob/status/", {"id": [job.pk, "x"]})

    assert b"js/exports.js" in page.content
    assert f'<label for="export-{job.pk}-progress" class="visually-hidden">'.encode() in page.content
    assert b">25%</span>" in page.content
    assert status.json() == {
        "jobs": [{"id": job.pk, "status": "running", "label": "формируется", "percent": 25, "finished": False}]
    }
    assert reverse("admin:config_exportjob_download", args=[job.pk]).encode() not in page.content
    assert office.get(reverse("admin:config_exportjob_download", args=[job.pk])).status_code == 404


def test_the_admin_links_to_my_exports_from_every_page(office):
    index = office.get("/en/admin/")

    assert b'class="my-exports-link"' in index.content and MY_EXPORTS.encode() in index.content
    assert office.get(MY_EXPORTS).status_code == 200


def test_a_list_export_reads_a_constant_number_of_queries_per_chunk(office, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 5)

    def queries_for(rows):
        ExportJob.objects.all().delete()
        PartnerFactory.create_batch(rows - PartnerFactory._meta.model.objects.count())
        job = exports.queue_list_export(
            model=PartnerFactory._meta.model, query="", selected=None, fmt="csv", language="en", by=office.user
        )
        with CaptureQueriesContext(connection) as captured:
            exports.run_export(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.progress_done) == ("done", rows), job.error
        return len(captured)

    ten, twenty = queries_for(10), queries_for(20)

    assert twenty - ten <= 4  # two more chunks: their rows and the progress they record, never one per row


def test_run_export_twice_writes_the_file_once(office):
    PartnerFactory()
    job = exports.queue_list_export(
        model=PartnerFactory._meta.model, query="", selected=None, fmt="csv", language="en", by=office.user
    )

    exports.run_export(job_id=job.pk)
    job.refresh_from_db()
    first = (job.file.name, job.finished_at)
    exports.run_export(job_id=job.pk)
    exports.run_export(job_id=job.pk + 1000)  # gone: nothing to do
    job.refresh_from_db()

    assert (job.file.name, job.finished_at) == first
    assert job.file.storage.listdir(os.path.dirname(first[0]))[1] == [os.path.basename(first[0])]


def test_an_export_that_its_requester_may_no_longer_see_fails_in_words(office):
    PartnerFactory()
    job = exports.queue_list_export(
        model=PartnerFactory._meta.model, query="", selected=None, fmt="csv", language="en", by=office.user
    )
    type(office.user).objects.filter(pk=office.user.pk).update(role="student", is_staff=False)

    exports.run_export(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed" and not job.file
    assert job.error == "Вы больше не можете видеть этот список."  # in the requester's language


def test_an_export_with_a_filter_that_no_longer_works_fails_in_words(office):
    job = exports.queue_list_export(
        model=PartnerFactory._meta.model,
        query="nonsense__field=1",
        selected=None,
        fmt="csv",
        language="en",
        by=office.user,
    )

    exports.run_export(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "Фильтр списка больше не действует. Выгрузите его снова из списка.")
    assert job.error.encode() in office.get(MY_EXPORTS).content


def test_the_expiry_sweep_deletes_old_files_once_and_the_page_says_expired(office, django_capture_on_commit_callbacks):
    partners = [PartnerFactory() for _ in range(3)]
    export_all(office, "export_csv", "", partners[0], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    name, storage = job.file.name, job.file.storage
    kept = ExportJob.objects.create(
        requested_by=office.user,
        kind="list",
        title="Still kept",
        format="csv",
        language="en",
        file_name="x.csv",
        content_type="text/csv",
        status="done",
        expires_at=job.expires_at + datetime.timedelta(days=1),
    )

    assert exports.expire_exports(now=job.expires_at - datetime.timedelta(seconds=1)) == 0
    assert exports.expire_exports(now=job.expires_at) == 1
    assert exports.expire_exports(now=job.expires_at) == 0

    job.refresh_from_db()
    kept.refresh_from_db()
    assert (job.status, job.file.name, kept.status) == ("expired", "", "done")
    assert not storage.exists(name)
    page = office.get("/ru/admin/config/exportjob/").content.decode()
    assert "Срок хранения истёк: файл удалён." in page
    assert office.get(reverse("admin:config_exportjob_download", args=[job.pk])).status_code == 404


def test_the_sweep_hands_over_waiting_exports_and_gives_up_on_interrupted_ones(office):
    PartnerFactory()
    now = timezone.now()
    waiting = exports.queue_list_export(
        model=PartnerFactory._meta.model, query="", selected=None, fmt="csv", language="en", by=office.user
    )  # its commit never came in this test: never handed over
    interrupted = ExportJob.objects.create(
        requested_by=office.user,
        kind="list",
        title="Partners",
        format="csv",
        language="en",
        file_name="partner.csv",
        content_type="text/csv",
        status="running",
        started_at=now - datetime.timedelta(hours=2),
    )

    assert exports.sweep_exports(now=now) == 1
    assert exports.sweep_exports(now=now) == 0  # done; a job is handed over once

    waiting.refresh_from_db()
    interrupted.refresh_from_db()
    assert waiting.status == "done"
    assert (interrupted.status, interrupted.error) == (
        "failed",
        "Выгрузка прервалась, не завершившись. Запустите её снова.",
    )


def test_a_job_cannot_count_more_done_than_its_total(office):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ExportJob.objects.create(
            requested_by=office.user,
            kind="list",
            title="Partners",
            format="csv",
            language="en",
            file_name="p.csv",
            content_type="text/csv",
            progress_done=2,
            progress_total=1,
        )


def test_an_agreement_list_export_reads_its_partners_and_labels_per_chunk_never_per_row(office, monkeypatch):
    from openpyxl import load_workbook

    from partnerships.models import Agreement
    from tests.factories import AgreementFactory

    monkeypatch.setattr(exports, "CHUNK_ROWS", 5)
    coordinator = StaffFactory()
    hostile = PartnerFactory(name_en="=HYPERLINK(1)", short_name_en="")

    def export(rows):
        ExportJob.objects.all().delete()
        for _ in range(rows - Agreement.objects.count()):
            AgreementFactory(coordinator=coordinator, partners=[hostile, PartnerFactory()])
        job = exports.queue_list_export(
            model=Agreement, query="", selected=None, fmt="xlsx", language="en", by=office.user
        )
        with CaptureQueriesContext(connection) as captured:
            exports.run_export(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.progress_done) == ("done", rows), job.error
        return len(captured), job

    (ten, _job), (twenty, _job), (thirty, job) = export(10), export(20), export(30)

    assert twenty - ten == thirty - twenty <= 6  # two more chunks cost the same few queries, never one per row
    with job.file.open("rb") as file:
        rows = list(load_workbook(file).active.iter_rows(values_only=True))
    assert len(rows) == 31
    # "=HYPERLINK(1)" sorts first among the partners, so the cell starts like a formula and is escaped
    assert all(row[2].startswith("'=HYPERLINK(1), ") and row[5] == str(coordinator) for row in rows[1:])
    assert {row[1] for row in rows[1:]} == {str(Agreement.Kind.MOU.label)}


# ---- Deleting an export and running it again, from My exports

STATES = ("queued", "running", "done", "failed", "expired")
NOW = datetime.datetime(2026, 5, 20, 12, 0, tzinfo=datetime.UTC)


def job_in(state, *, by, **fields):
    """An export of the partner list in `state`, as the worker leaves it: a ready one has its file kept."""
    from django.core.files.base import ContentFile

    values = {
        "requested_by": by,
        "kind": "list",
        "title": f"Partners ({state})",
        "format": "csv",
        "language": "kk",
        "parameters": {"model": "partnerships.partner", "query": "", "selected": None},
        "file_name": "partner.csv",
        "content_type": "text/csv",
        "status": state,
        "enqueued_at": NOW,
        "started_at": NOW if state != "queued" else None,
        "finished_at": NOW if state in ("done", "failed", "expired") else None,
        "expires_at": NOW + datetime.timedelta(days=7) if state in ("done", "expired") else None,
        "error": "The export could not be written." if state == "failed" else "",
    }
    job = ExportJob.objects.create(**values | fields)
    if state == "done":
        job.file.save("partner.csv", ContentFile(b"Name\r\nKazakh National University\r\n"), save=True)
    return job


@pytest.fixture
def people(office):
    """The job's owner (signed in as `office`), a colleague on the staff and a superuser who did not ask."""
    return {"owner": office.user, "other staff": StaffFactory(), "superuser": StaffFactory(is_superuser=True)}


def shown_messages(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def delete_url(job):
    return reverse("admin:config_exportjob_delete", args=[job.pk])


def run_again_url(job):
    return reverse("admin:config_exportjob_run_again", args=[job.pk])


def kept_files(storage, folder="exports"):
    """Every file the storage keeps under the exports' folder."""
    if not storage.exists(folder):
        return []
    folders, files = storage.listdir(folder)
    return [f"{folder}/{name}" for name in files] + [
        kept for sub in folders for kept in kept_files(storage, f"{folder}/{sub}")
    ]


@pytest.mark.parametrize("state", STATES)
def test_my_exports_offers_delete_in_every_state_and_run_again_only_when_nothing_is_left(office, state):
    job = job_in(state, by=office.user)

    page = office.get(MY_EXPORTS).content.decode()

    assert f'action="{delete_url(job)}" class="export-delete">' in page
    assert (f'action="{run_again_url(job)}"' in page) is (state in ("failed", "expired"))
    unfinished = state in ("queued", "running")
    assert (">Stop and delete</button>" in page) is unfinished and (">Delete</button>" in page) is not unfinished
    assert f'aria-describedby="export-{job.pk}-title"' in page  # the button says which export it is about


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_the_owner_or_a_superuser_deletes_an_export_in_any_state_and_its_file_goes_with_it(
    office, people, state, who, django_capture_on_commit_callbacks
):
    job = job_in(state, by=office.user)
    name, storage = job.file.name, ExportJob._meta.get_field("file").storage
    office.force_login(people[who])

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(delete_url(job), follow=True)

    assert response.redirect_chain == [(MY_EXPORTS, 302)]
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    said = {
        "queued": f"The export «{job.title}» was stopped and deleted.",
        "running": f"The export «{job.title}» was stopped and deleted.",
        "done": f"The export «{job.title}» and its file were deleted.",
    }.get(state, f"The export «{job.title}» was deleted.")
    assert shown_messages(response) == [said]
    if state == "done":
        assert name and not storage.exists(name)


@pytest.mark.parametrize("state", STATES)
def test_a_colleague_can_neither_delete_nor_run_again_an_export_that_is_not_theirs(client, people, state):
    job = job_in(state, by=people["owner"])
    client.force_login(people["other staff"])

    assert client.post(delete_url(job)).status_code == 404
    assert client.post(run_again_url(job)).status_code == 404  # as its download: nobody else learns it exists

    job.refresh_from_db()
    assert job.status == state and ExportJob.objects.count() == 1
    if state == "done":
        assert job.file.storage.exists(job.file.name)


@pytest.mark.parametrize("state", STATES)
def test_a_superuser_does_not_run_again_an_export_of_someone_else(client, people, state):
    job = job_in(state, by=people["owner"])
    client.force_login(people["superuser"])

    assert client.post(run_again_url(job)).status_code == 404  # the new file would be kept for its owner alone
    assert list(ExportJob.objects.values_list("pk", "status")) == [(job.pk, state)]


@pytest.mark.django_db(transaction=True)  # its commit comes, so the job is handed over before the message is said
@pytest.mark.parametrize("state", ["failed", "expired"])
def test_run_again_queues_the_same_export_for_its_owner_and_it_is_written_in_place_of_the_old(office, state):
    PartnerFactory(name_en="Al-Farabi Kazakh National University")
    old = job_in(state, by=office.user)

    response = office.post(run_again_url(old), follow=True)

    assert response.redirect_chain == [(MY_EXPORTS, 302)]
    again = ExportJob.objects.get()
    assert again.pk != old.pk  # a new job, through queue_export; the old row it replaces is gone
    fields = ("requested_by", "kind", "format", "language", "parameters", "title", "file_name", "content_type")
    assert [getattr(again, name) for name in fields] == [getattr(old, name) for name in fields]
    assert (again.status, again.error) == ("done", "")  # the task ran after commit (eagerly here)
    assert shown_messages(response) == [f"The export «{old.title}» runs again: it will be ready below."]
    downloaded = office.get(reverse("admin:config_exportjob_download", args=[again.pk]))
    assert "Al-Farabi Kazakh National University" in body(downloaded).decode("utf-8-sig")


@pytest.mark.parametrize("state", ["queued", "running", "done"])
def test_run_again_is_refused_in_words_while_the_export_is_under_way_or_ready(office, state):
    job = job_in(state, by=office.user)

    response = office.post(run_again_url(job), follow=True)

    assert response.redirect_chain == [(MY_EXPORTS, 302)]
    assert shown_messages(response) == ["Only a failed or expired export can be run again."]
    assert list(ExportJob.objects.values_list("pk", "status")) == [(job.pk, state)]


@pytest.mark.django_db(transaction=True)
def test_run_again_says_so_when_the_task_queue_cannot_be_reached(office, monkeypatch):
    from config import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(tasks.run_export, "delay", broker_down)
    old = job_in("failed", by=office.user)

    response = office.post(run_again_url(old), follow=True)

    again = ExportJob.objects.get()
    assert (again.status, again.enqueued_at) == ("queued", None)  # kept for the sweep
    assert shown_messages(response) == [
        f"The task queue cannot be reached just now. The export «{old.title}» is kept below and starts by itself "
        "as soon as the queue is back."
    ]


def test_run_again_twice_queues_one_export(office):
    old = job_in("failed", by=office.user)

    first = exports.run_export_again(old)
    with pytest.raises(exports.ValidationError) as refused:
        exports.run_export_again(old)  # a second click, or a second tab: the old row is gone

    assert refused.value.messages == ["This export was already run again or deleted."]
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [first.pk]
    assert exports.delete_export(old) is None  # deleting it now finds nothing either


def test_the_refusals_are_in_the_readers_language(office):
    job = job_in("done", by=office.user)

    response = office.post(f"/ru{run_again_url(job)[3:]}", follow=True)

    assert shown_messages(response) == ["Повторно запустить можно только неудавшуюся или просроченную выгрузку."]


def test_delete_and_run_again_take_a_post_with_its_csrf_token_from_staff(office, people):
    job = job_in("failed", by=office.user)
    guarded = type(office)(enforce_csrf_checks=True)
    guarded.force_login(office.user)
    student = type(office)()
    student.force_login(UserFactory())

    for url in (delete_url(job), run_again_url(job)):
        assert office.get(url).status_code == 405  # a link or a prefetch changes nothing
        assert guarded.post(url).status_code == 403  # no CSRF token
        assert student.post(url).status_code == 302  # the admin's sign-in

    assert ExportJob.objects.get().pk == job.pk
    assert office.post(reverse("admin:config_exportjob_delete", args=[job.pk + 1000])).status_code == 404


def test_an_export_deleted_while_it_is_written_stops_and_keeps_no_file(office, monkeypatch):
    job = job_in("queued", by=office.user)
    storage = ExportJob._meta.get_field("file").storage
    chunks = []

    def write(job, output, progress):
        progress(0, 3)
        output.write(b"first chunk")
        chunks.append(1)
        exports.delete_export(job)  # "Stop and delete", clicked while the worker writes
        progress(1, 3)
        chunks.append(2)  # never reached: the worker stops at the next chunk

    monkeypatch.setitem(exports.EXPORTERS, "list", write)
    exports.run_export(job_id=job.pk)

    assert chunks == [1]
    assert not ExportJob.objects.exists()
    assert kept_files(storage) == []


def test_an_export_deleted_after_its_last_chunk_discards_the_file_its_worker_saved(office, monkeypatch):
    job = job_in("queued", by=office.user)
    storage = ExportJob._meta.get_field("file").storage

    def write(job, output, progress):
        progress(1, 1)
        output.write(b"every row")
        exports.delete_export(job)  # clicked between the last chunk and the file's keeping

    monkeypatch.setitem(exports.EXPORTERS, "list", write)
    exports.run_export(job_id=job.pk)

    assert not ExportJob.objects.exists()
    assert storage.exists("exports") and kept_files(storage) == []  # it was saved, then discarded


# ---- The purge of failed and expired exports


def test_the_purge_deletes_failed_and_expired_exports_older_than_the_kept_days_in_one_query(
    office, django_assert_num_queries
):
    day = datetime.timedelta(days=1)
    cutoff = NOW - 7 * day
    purged = [
        job_in("failed", by=office.user, finished_at=cutoff - datetime.timedelta(seconds=1)),
        job_in("failed", by=office.user, finished_at=NOW - 30 * day),
        job_in("expired", by=office.user, expires_at=cutoff - datetime.timedelta(seconds=1)),
        job_in("expired", by=StaffFactory(), expires_at=NOW - 400 * day),
    ]
    kept = [
        job_in("failed", by=office.user, finished_at=cutoff),  # exactly seven days: not yet
        job_in("failed", by=office.user, finished_at=NOW - 6 * day),
        job_in("expired", by=office.user, expires_at=NOW - 6 * day),
        job_in("done", by=office.user, expires_at=NOW + day),
        job_in("queued", by=office.user, created_at=NOW - 30 * day),
        job_in("running", by=office.user, created_at=NOW - 30 * day),
    ]

    with django_assert_num_queries(1):
        assert exports.purge_exports(now=NOW) == len(purged)
    assert exports.purge_exports(now=NOW) == 0  # nothing left to purge: safe to run twice

    assert set(ExportJob.objects.values_list("pk", flat=True)) == {job.pk for job in kept}
    assert kept[3].file.storage.exists(kept[3].file.name)  # a ready export keeps its file


def test_the_purge_follows_export_keep_days(office, settings):
    settings.EXPORT_KEEP_DAYS = 30
    failed = job_in("failed", by=office.user, finished_at=NOW - datetime.timedelta(days=10))

    assert exports.purge_exports(now=NOW) == 0
    assert exports.purge_exports(now=NOW + datetime.timedelta(days=21)) == 1
    assert not ExportJob.objects.filter(pk=failed.pk).exists()


def test_the_hourly_expiry_task_expires_files_then_purges_old_rows(office, settings, time_machine):
    from config import tasks  # registers the portal's tasks, as the worker does at start
    from config.celery import app as celery_app

    time_machine.move_to(NOW, tick=False)
    ready = job_in("done", by=office.user, expires_at=NOW - datetime.timedelta(hours=1))
    long_ready = job_in("done", by=office.user, expires_at=NOW - datetime.timedelta(days=8))
    old_failure = job_in("failed", by=office.user, finished_at=NOW - datetime.timedelta(days=8))
    names = [ready.file.name, long_ready.file.name]

    task = celery_app.tasks[settings.CELERY_BEAT_SCHEDULE["expire-exports"]["task"]]  # as beat names it
    assert task.name == tasks.expire_exports.name
    assert task.apply().get() == {"expired": 2, "purged": 2}

    assert list(ExportJob.objects.values_list("pk", "status")) == [(ready.pk, "expired")]
    assert not any(ready.file.storage.exists(name) for name in names)
    assert old_failure.pk not in ExportJob.objects.values_list("pk", flat=True)
