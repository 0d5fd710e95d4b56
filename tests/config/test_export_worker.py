"""Exports through a real Celery worker on real Redis, and with the broker down: nothing is lost."""

import io
import socket

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from config import exports
from config.celery import app as celery_app
from config.models import ExportJob
from insights.reports import report_years
from tests.factories import PartnerFactory, StaffFactory
from tests.helpers import skip_or_fail, wait_for_export

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

MY_EXPORTS = "/ru/admin/config/exportjob/"


@pytest.fixture
def office(client, settings):
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the worker test needs a real Redis broker.")
    settings.STAFF_MFA_REQUIRED = False
    settings.EXPORT_QUEUE_ROWS = 1
    user = StaffFactory(language="ru")
    client.force_login(user)
    client.user = user
    return client


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: nothing listens there


def test_the_annual_report_is_written_by_a_real_worker_and_downloaded_by_its_requester(office):
    from openpyxl import load_workbook

    year = report_years(timezone.localdate())[0]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        asked = office.post(
            "/ru/admin/insights/agreementhealth/annual-report/", {"year": year, "language": "kk", "format": "xlsx"}
        )
        job = wait_for_export(ExportJob.objects.get())

    assert asked.status_code == 302 and asked["Location"] == MY_EXPORTS
    assert (job.status, job.progress_done, job.progress_total) == ("done", 3, 3), job.error
    assert job.enqueued_at is not None and job.started_at >= job.enqueued_at
    downloaded = office.get(reverse("admin:config_exportjob_download", args=[job.pk]))
    assert f"annual-report-{year}-{year + 1}-kk.xlsx" in downloaded["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(downloaded.streaming_content)))
    assert "Жиынтық" in workbook.sheetnames  # written in the language asked for


def test_with_the_broker_down_a_long_export_waits_and_the_sweep_hands_it_over_once_it_is_back(
    office, celery_broker, settings
):
    partners = [PartnerFactory(name_en=f"Partner {n}") for n in range(3)]
    celery_broker(f"redis://127.0.0.1:{closed_port()}/0")

    asked = office.post(
        "/ru/admin/partnerships/partner/",
        {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": [partners[0].pk]},
    )
    page = office.get(MY_EXPORTS)

    assert asked.status_code == 302 and asked["Location"] == MY_EXPORTS
    job = ExportJob.objects.get()
    assert (job.status, job.enqueued_at) == ("queued", None)
    text = page.content.decode()
    assert "очередь задач сейчас недоступна. Ваша выгрузка сохранена" in text  # the message
    assert "Очередь задач сейчас недоступна: эта выгрузка ждёт" in text  # the job's row
    assert exports.sweep_exports() == 0  # still down: it keeps waiting

    celery_broker(settings.REDIS_URL)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        celery_app.send_task(settings.CELERY_BEAT_SCHEDULE["sweep-exports"]["task"])  # as beat sends it
        job = wait_for_export(job)

    assert job.status == "done", job.error
    content = b"".join(office.get(reverse("admin:config_exportjob_download", args=[job.pk])).streaming_content)
    assert all(f"Partner {n}".encode() in content for n in range(3))


def test_an_export_that_failed_on_the_worker_runs_again_from_my_exports_and_is_written_there(office):
    partners = [PartnerFactory(name_en=f"Partner {n}") for n in range(2)]
    people = type(office.user).objects.filter(pk=office.user.pk)

    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        people.update(is_active=False)  # the account is suspended while the export is written: it fails
        failed = wait_for_export(
            exports.queue_list_export(
                model=type(partners[0]), query="", selected=None, fmt="csv", language="ru", by=office.user
            )
        )
        assert failed.status == "failed"
        people.update(is_active=True)
        asked = office.post(f"{MY_EXPORTS}{failed.pk}/run-again/")
        job = wait_for_export(ExportJob.objects.exclude(pk=failed.pk).get())

    assert asked.status_code == 302 and asked["Location"] == MY_EXPORTS
    assert not ExportJob.objects.filter(pk=failed.pk).exists()  # replaced by the new one
    assert (job.status, job.requested_by, job.parameters) == ("done", office.user, failed.parameters), job.error
    assert job.enqueued_at is not None and job.started_at >= job.enqueued_at
    content = b"".join(office.get(reverse("admin:config_exportjob_download", args=[job.pk])).streaming_content)
    assert all(f"Partner {n}".encode() in content for n in range(2))
