import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.factories import StaffFactory
from visits.models import TypoReport
from visits.services import TYPO_REPORTS_PER_HOUR

pytestmark = pytest.mark.django_db

REPORT = {"url": "/ru/partners/", "selection": "Синцзянский", "context": "Синцзянский университет", "comment": ""}


def test_a_reader_reports_a_typo_and_the_office_is_told_in_each_ones_language(
    client, django_capture_on_commit_callbacks
):
    StaffFactory(email="office@kopir.example", language="kk")
    StaffFactory(email="zhang@kopir.example", language="zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ru/visits/typo/", {**REPORT, "comment": "Синьцзянский"})

    assert response.status_code == 201
    report = TypoReport.objects.get()
    assert (report.url, report.language, report.selection, report.comment) == (
        "/ru/partners/",
        "ru",
        "Синцзянский",
        "Синьцзянский",
    )
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert set(subjects) == {"office@kopir.example", "zhang@kopir.example"}
    assert f"{settings.PORTAL_URL.rstrip('/')}/ru/partners/" in subjects["zhang@kopir.example"]
    assert "Синцзянский" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"selection": "   "}, "Select the text"),
        ({"selection": "x" * 501}, "500"),
        ({"comment": "y" * 1001}, "1000"),
        ({"url": "https://elsewhere.example/"}, "own pages"),
    ],
)
def test_empty_huge_or_foreign_reports_are_refused_with_a_reason(client, change, message):
    response = client.post("/en/visits/typo/", {**REPORT, **change})

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not TypoReport.objects.exists()


def test_many_reports_in_a_row_are_slowed_down(client):
    for _ in range(TYPO_REPORTS_PER_HOUR):
        assert client.post("/en/visits/typo/", REPORT).status_code == 201

    response = client.post("/en/visits/typo/", REPORT)

    assert response.status_code == 429
    assert TypoReport.objects.count() == TYPO_REPORTS_PER_HOUR


def test_typo_reports_need_the_csrf_token():
    strict = Client(enforce_csrf_checks=True)

    assert strict.post("/en/visits/typo/", REPORT).status_code == 403
    assert not TypoReport.objects.exists()


def test_every_public_page_offers_the_typo_dialog_and_its_hint(client):
    html = client.get("/kk/").content.decode()

    assert '<dialog id="typo-dialog"' in html
    assert 'src="/static/js/typo.js"' in html
    assert 'class="typo-hint"' in html


def test_a_long_context_is_shortened_not_refused(client):
    response = client.post("/en/visits/typo/", {**REPORT, "context": "word \n" * 400})

    assert response.status_code == 201
    assert len(TypoReport.objects.get().context) == 1000


def test_the_office_email_shows_the_text_as_written(client, django_capture_on_commit_callbacks):
    StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/visits/typo/", {**REPORT, "selection": "Tom's & Jerry"})

    assert "Tom's & Jerry" in mail.outbox[0].body


def test_a_typo_report_cannot_smuggle_a_line_break_into_the_email(client):
    report = {"url": "/en/\r\nBcc: someone@example.org", "selection": "typo", "context": "", "comment": ""}

    assert client.post("/en/visits/typo/", report).status_code == 400
