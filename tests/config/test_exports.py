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
