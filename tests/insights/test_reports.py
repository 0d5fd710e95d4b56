import datetime
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from config.models import ExportJob
from insights.health import academic_year_bounds, academic_year_of
from insights.reports import SHEET_NAMES, annual_report
from mobility.models import Mobility
from partnerships.models import Agreement, AgreementTransition
from tests.factories import ActiveAgreementFactory, AgreementFactory, StaffFactory, UserFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # the demo loads only there
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    return academic_year_of(timezone.localdate())


@pytest.fixture
def download(django_capture_on_commit_callbacks):
    """Ask for the report on its form, as the office does; it is written by its task and downloaded from the
    asker's exports page."""

    def ask(client, year, language, fmt):
        with django_capture_on_commit_callbacks(execute=True):
            asked = client.post(
                reverse("admin:insights_annual_report"), {"year": year, "language": language, "format": fmt}
            )
        assert asked.status_code == 302 and asked["Location"] == reverse("admin:config_exportjob_changelist")
        job = ExportJob.objects.get(requested_by=client.user, parameters__year=year, language=language, format=fmt)
        assert job.status == ExportJob.Status.DONE, job.error
        response = client.get(reverse("admin:config_exportjob_download", args=[job.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == (XLSX if fmt == "xlsx" else "application/pdf")
        assert f"annual-report-{year}-{year + 1}-{language}.{fmt}" in response["Content-Disposition"]
        return b"".join(response.streaming_content) if response.streaming else response.content

    return ask


def expected_mobility(year):
    """The demo year's mobilities counted straight from the database, by direction and by country."""
    starts, ends = academic_year_bounds(year)
    counted = Mobility.objects.exclude(status=Mobility.Status.CANCELLED).filter(starts_on__range=(starts, ends))
    by_direction = Counter(counted.values_list("direction", flat=True))
    by_country = Counter(counted.values_list("partner__country", "direction"))
    return by_direction, by_country


@pytest.mark.parametrize("language", ["zh-hans", "kk"])
def test_the_annual_reports_spreadsheet_holds_the_demo_years_figures(office_client, demo, language, download):
    from django_countries import countries
    from openpyxl import load_workbook

    content = download(office_client, demo, language, "xlsx")

    workbook = load_workbook(io.BytesIO(content))
    by_direction, by_country = expected_mobility(demo)
    starts, ends = academic_year_bounds(demo)
    assert sum(by_direction.values()) > 0, "the demo has mobilities in its year"
    with translation.override(language):
        names = {key: str(name) for key, name in SHEET_NAMES.items()}
        figures = {
            gettext("Outgoing mobilities"): by_direction["outgoing"],
            gettext("Incoming mobilities"): by_direction["incoming"],
            gettext("Agreements signed"): Agreement.objects.filter(signed_on__range=(starts, ends)).count(),
            gettext("Visits"): Visit.objects.filter(starts_on__range=(starts, ends))
            .exclude(status=Visit.Status.CANCELLED)
            .count(),
        }
        country_names = {code: str(countries.name(code)) for code, _direction in by_country}
        partner_names = {
            mobility.partner.name
            for mobility in Mobility.objects.exclude(status=Mobility.Status.CANCELLED)
            .filter(starts_on__range=(starts, ends))
            .select_related("partner")
        }
    # Each sheet has its whole short name (a sheet's name holds 31 characters), and every table has its sheet.
    assert workbook.sheetnames == list(names.values())
    assert all(len(name) <= 31 for name in names.values())
    summary = workbook[names["summary"]]
    read = {row[0]: row[1] for row in summary.iter_rows(min_row=2, values_only=True)}
    for figure, number in figures.items():
        assert read[figure] == number, figure
    assert all(isinstance(number, int) for number in read.values())
    assert summary.auto_filter.ref == f"A1:B{summary.max_row}"

    sheet = workbook[names["countries"]]
    assert sheet.auto_filter.ref
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {
        name: (
            by_country[(code, "outgoing")],
            by_country[(code, "incoming")],
            by_country[(code, "outgoing")] + by_country[(code, "incoming")],
        )
        for code, name in country_names.items()
    }
    # Partners are named in the report's language, as everything else on it.
    partner_sheet = workbook[names["partners"]]
    assert {row[0] for row in partner_sheet.iter_rows(min_row=2, values_only=True)} == partner_names
    agreements = workbook[names["agreements"]]
    dates = [row[5] for row in agreements.iter_rows(min_row=2, values_only=True) if row[5]]
    assert dates and all(isinstance(day, datetime.datetime) for day in dates)  # real dates, not text


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        (
            "zh-hans",
            ["年度报告", "按国家统计的学术交流", "按合作院校统计的学术交流", "协议", "访问及其成果", "联合培养项目"],
        ),
        (
            "kk",
            [
                "Жылдық есеп",
                "Елдер бойынша академиялық ұтқырлық",
                "Серіктестер бойынша академиялық ұтқырлық",
                "Келісімдер",
                "Сапарлар және олардың нәтижелері",
                "Ғылыми жобалар",
            ],
        ),
    ],
)
def test_the_annual_reports_pdf_has_its_headings_and_figures_in_chinese_and_kazakh(
    office_client, demo, language, headings, download
):
    from pypdf import PdfReader

    content = download(office_client, demo, language, "pdf")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for heading in headings:
        assert heading in text
    by_direction, _by_country = expected_mobility(demo)
    with translation.override(language):
        lines = text.splitlines()
        for figure, number in [
            (gettext("Outgoing mobilities"), by_direction["outgoing"]),
            (gettext("Incoming mobilities"), by_direction["incoming"]),
        ]:
            assert lines[lines.index(figure) + 1] == str(number)
        # The partners by their names in the report's language.
        partner_names = {mobility.partner.name for mobility in Mobility.objects.select_related("partner")}
    words = " ".join(text.split())  # a name may wrap onto a second line of its cell
    assert partner_names and all(name in words for name in partner_names), partner_names


def test_agreements_count_as_signed_active_expiring_and_ended_by_the_year():
    with translation.override("en"):
        starts, ends = academic_year_bounds(2025)
        ActiveAgreementFactory(signed_on=starts, valid_from=starts, valid_until=ends)  # signed, active, expiring
        ActiveAgreementFactory(
            signed_on=datetime.date(2020, 1, 1), valid_from=datetime.date(2020, 1, 1), valid_until=None
        )  # active
        AgreementFactory(
            status=Agreement.Status.EXPIRED,
            signed_on=datetime.date(2020, 1, 1),
            valid_from=datetime.date(2020, 1, 1),
            valid_until=starts + datetime.timedelta(days=10),
        )  # active, ended
        early = AgreementFactory(
            status=Agreement.Status.TERMINATED,
            signed_on=datetime.date(2020, 1, 1),
            valid_from=datetime.date(2020, 1, 1),
            valid_until=datetime.date(2030, 1, 1),
        )  # terminated before the year: neither
        late = AgreementFactory(
            status=Agreement.Status.TERMINATED,
            signed_on=datetime.date(2020, 1, 1),
            valid_from=datetime.date(2020, 1, 1),
            valid_until=datetime.date(2030, 1, 1),
        )  # terminated in the year: active, ended
        by = StaffFactory()
        for agreement, day in [(early, datetime.date(2024, 5, 1)), (late, datetime.date(2026, 2, 1))]:
            transition = AgreementTransition.objects.create(
                agreement=agreement, by=by, from_status="active", to_status="terminated"
            )
            AgreementTransition.objects.filter(pk=transition.pk).update(
                at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
            )
        AgreementFactory(status=Agreement.Status.DRAFT)  # neither

        summary = dict(annual_report(2025).table("summary").rows)

        assert summary["Agreements signed"] == 1
        assert summary["Agreements active"] == 4
        assert summary["Agreements expiring"] == 1
        assert summary["Agreements ended"] == 2
        assert len(annual_report(2025).table("agreements").rows) == 4


def test_the_report_form_is_the_offices_and_is_linked_from_the_dashboard(office_client, client, settings):
    url = reverse("admin:insights_annual_report")

    page = office_client.get(url)
    invalid = office_client.post(url, {"year": "1900", "language": "kk", "format": "pdf"})
    index = office_client.get(reverse("admin:index"))

    assert page.status_code == 200
    assert b'name="year"' in page.content and b'name="language"' in page.content and b'name="format"' in page.content
    assert invalid.status_code == 200 and b"errorlist" in invalid.content
    assert not ExportJob.objects.exists()
    assert url.encode() in index.content
    faculty = UserFactory(role="faculty", is_staff=True)
    client.force_login(faculty)
    assert client.post(url, {"year": "2025", "language": "kk", "format": "pdf"}).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_the_report_form_offers_the_readers_language_first(office_client, language):
    url = reverse("admin:insights_annual_report").replace("/en/", f"/{language}/", 1)

    form = office_client.get(url).context["form"]

    assert form["language"].value() == language


def test_a_long_table_of_the_pdf_shows_its_first_rows_and_points_to_the_spreadsheet(monkeypatch):
    from pypdf import PdfReader

    from insights import reports

    monkeypatch.setattr(reports, "PDF_ROWS", 2)
    starts, ends = academic_year_bounds(2025)
    for day in range(3):
        ActiveAgreementFactory(
            title=f"Agreement {day}", signed_on=starts, valid_from=starts, valid_until=ends - datetime.timedelta(day)
        )

    content, name, _content_type = reports.report_file(2025, "en", "pdf")

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert name == "annual-report-2025-2026-en.pdf"
    assert "Rows shown: 2 of 3; the spreadsheet has them all." in " ".join(text.split())
    assert "Agreement 0" not in text  # ending last, it is the third row


def add_year_of_work(number):
    """`number` agreements (two partners each), visits, joint programs and mobilities in academic year 2025."""
    from partnerships.models import Partner
    from tests.factories import JointProgramFactory, PartnerFactory, VisitFactory

    starts, ends = academic_year_bounds(2025)
    for n in range(number):
        partners = [PartnerFactory(country=code) for code in ("CN", "KZ")]
        ActiveAgreementFactory(signed_on=starts, valid_from=starts, valid_until=ends, partners=partners)
        VisitFactory(starts_on=starts, ends_on=starts, partners=partners[:1])
        JointProgramFactory(status="running", partners=partners)
        Mobility.objects.create(
            participant_name=f"Student {n}",
            direction=Mobility.Direction.OUTGOING if n % 2 else Mobility.Direction.INCOMING,
            partner=partners[n % 2],
            mobility_type="semester",
            starts_on=starts,
            ends_on=ends,
        )
    return Partner.objects.count()


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_annual_reports_number_of_queries_does_not_grow_with_the_data(fmt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from insights.reports import report_file

    counted = []
    for number in (1, 6):
        add_year_of_work(number)
        with CaptureQueriesContext(connection) as queries:
            content, _name, _content_type = report_file(2025, "kk", fmt)
        assert content
        counted.append(len(queries))

    assert counted[0] == counted[1], counted


def test_a_long_grouped_table_of_the_pdf_shows_its_largest_rows_and_sums_the_rest_as_other(monkeypatch):
    from pypdf import PdfReader

    from insights import reports
    from tests.factories import PartnerFactory

    monkeypatch.setattr(reports, "PDF_TOP", 2)
    starts, ends = academic_year_bounds(2025)
    for code, number in [("CN", 3), ("KZ", 2), ("DE", 1)]:
        partner = PartnerFactory(country=code)
        for n in range(number):
            Mobility.objects.create(
                participant_name=f"Student {code} {n}",
                direction=Mobility.Direction.OUTGOING,
                partner=partner,
                mobility_type="semester",
                starts_on=starts,
                ends_on=ends,
            )

    with translation.override("en"):
        countries = reports.annual_report(2025).table("countries")
        shown, count = reports._pdf_rows(countries)
    content, _name, _content_type = reports.report_file(2025, "en", "pdf")

    assert [row[0] for row in countries.rows] == ["China", "Kazakhstan", "Germany"]  # the spreadsheet has all
    assert (shown, count) == ([["China", 3, 0, 3], ["Other", 3, 0, 3]], 3)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())
    assert "Rows shown: 1 of 3; the spreadsheet has them all." in text
