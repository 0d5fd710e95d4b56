import datetime
import re
from html import unescape

import pytest
import time_machine
from django.utils import translation

from insights.dashboard import dashboard
from mobility.models import Application, Mobility
from notifications.models import Notification
from notifications.services import notify
from partnerships.models import Agreement
from tests.factories import (
    ActiveAgreementFactory,
    AgreementFactory,
    ApplicationFactory,
    CallFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Outcome, Visit

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)
NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def build_world(size=1, coordinator=None):
    """`size` of everything the dashboard counts, around TODAY."""
    kz = PartnerFactory(country="KZ")
    for n in range(size):
        ActiveAgreementFactory(valid_until=TODAY + datetime.timedelta(days=20 + n), coordinator=coordinator)
        ActiveAgreementFactory(valid_until=TODAY + datetime.timedelta(days=60))
        ActiveAgreementFactory(valid_until=TODAY + datetime.timedelta(days=150))
        AgreementFactory(status=Agreement.Status.AWAITING_SIGNATURE)
        call = CallFactory(closes_at=NOW + datetime.timedelta(days=3 + n))
        CallFactory(closes_at=NOW + datetime.timedelta(days=20))
        ApplicationFactory(call=call, status=Application.Status.SUBMITTED, submitted_at=NOW)
        ApplicationFactory(call=call)
        VisitFactory(starts_on=TODAY + datetime.timedelta(days=10), ends_on=TODAY + datetime.timedelta(days=12))
        visit = VisitFactory(
            starts_on=TODAY - datetime.timedelta(days=40),
            ends_on=TODAY - datetime.timedelta(days=38),
            status=Visit.Status.COMPLETED,
        )
        owner = StaffFactory(full_name=f"Owner {n}")
        Outcome.objects.create(
            visit=visit, description="Send the draft", owner=owner, due_on=TODAY - datetime.timedelta(days=1)
        )
        for direction in ("outgoing", "incoming"):
            Mobility.objects.create(
                participant_name="A",
                direction=direction,
                partner=kz,
                mobility_type="semester",
                starts_on=datetime.date(2025, 9, 15),
                ends_on=datetime.date(2026, 1, 15),
            )
        notify(rule="visit_preparation", obj=visit, recipients=[owner], stage="14")
    Notification.objects.update(email_status=Notification.EmailStatus.FAILED)


def figures(charts):
    return {(chart.key, row.label): [cell.value for cell in row.cells] for chart in charts for row in chart.rows}


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_counts_what_needs_attention():
    build_world(size=2)
    charts = dashboard(StaffFactory(), now=NOW)
    found = figures(charts)

    assert found["agreements", "Expiring in 30 days"] == [2]
    assert found["agreements", "Expiring in 90 days"] == [4]
    assert found["agreements", "Expiring in 180 days"] == [6]
    assert found["agreements", "Awaiting signature"] == [2]
    assert found["calls", "Calls"] == [4, 2]
    assert found["calls", "Submitted"] == [2, 2]
    assert found["visits", "Upcoming"] == [2]
    assert found["visits", "Report overdue"] == [2]
    assert found["action-items", "Owner 0"] == [1, 0]
    assert found["mobility-years", "2025/2026"] == [2, 2]
    assert found["mobility-countries", "Kazakhstan"] == [2, 2]
    assert found["mobility-types", "Semester exchange"] == [2, 2]
    assert found["notices", "Notices"] == [2]


@time_machine.travel(NOW, tick=False)
def test_every_figure_links_to_the_admin_list_with_as_many_rows(office_client):
    build_world(size=2)
    charts = dashboard(office_client.user, now=NOW)
    checked = 0
    for chart in charts:
        for row in chart.rows:
            for cell in row.cells:
                assert cell.url, (chart.key, row.label)
                answer = office_client.get(cell.url)
                assert answer.status_code == 200, cell.url
                assert answer.context["cl"].result_count == cell.value, (cell.url, cell.value)
                checked += 1
    assert checked > 20


@time_machine.travel(NOW, tick=False)
def test_an_expiry_figure_opens_the_list_with_its_expiry_filter_chosen(office_client):
    build_world(size=2)
    agreements = dashboard(office_client.user, now=NOW)[0]
    url = agreements.rows[1].cells[0].url

    assert url.endswith("?expiry=90")
    changelist = office_client.get(url).context["cl"]
    expiry = next(spec for spec in changelist.filter_specs if spec.parameter_name == "expiry")
    chosen = [choice["display"] for choice in expiry.choices(changelist) if choice["selected"]]
    assert [str(label) for label in chosen] == ["Expiring within 90 days"]


@time_machine.travel(NOW, tick=False)
def test_a_faculty_member_sees_only_what_they_coordinate_and_no_link_to_lists_closed_to_them():
    coordinator = UserFactory(role="faculty")
    build_world(size=2, coordinator=coordinator)
    found = figures(dashboard(coordinator, now=NOW))

    assert found["agreements", "Expiring in 30 days"] == [2]
    assert found["agreements", "Expiring in 90 days"] == [2]
    assert found["calls", "Calls"] == [0, 0]
    assert found["notices", "Notices"] == [0]
    charts = dashboard(coordinator, now=NOW)
    assert charts[0].rows[0].cells[0].url.startswith("/en/admin/partnerships/agreement/?")
    assert all(not cell.url for chart in charts[1:] for row in chart.rows for cell in row.cells)


@pytest.mark.parametrize("size", [1, 3])
@time_machine.travel(NOW, tick=False)
def test_the_admin_index_with_the_dashboard_reads_a_fixed_number_of_queries(
    office_client, size, django_assert_max_num_queries
):
    build_world(size=size)
    with django_assert_max_num_queries(30):
        answer = office_client.get("/en/admin/")
    assert answer.status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_is_drawn_as_accessible_charts_in_the_readers_language(office_client):
    build_world()
    page = office_client.get("/ru/admin/").content.decode()

    assert page.count('role="group" aria-labelledby="chart-') == 8
    assert page.count("<table>") >= 8
    assert '<title id="chart-agreements-title">' in page
    assert "Истекают через 30 дней" in unescape(page)
    # Every bar is named by its row, its series where the chart has several, and its figure; a bar with a link is
    # that link, one without is an image.
    bars = re.findall(r'<(a href="[^"]*"|g role="img") aria-label="([^"]*)"><rect', unescape(page))
    assert len(bars) == page.count("<rect x=")
    names = {name for _tag, name in bars}
    assert any(re.fullmatch(r"Истекают через 30 дней: \d+", name) for name in names)
    with translation.override("ru"):
        outgoing = str(Mobility.Direction.OUTGOING.label)
    assert any(re.fullmatch(rf"[^,]+, {outgoing}: \d+", name) for name in names), names
    assert "<script" not in page.split('class="insights-dashboard"')[1].split("</section>")[0]


def test_students_and_anonymous_readers_get_no_dashboard(client):
    assert client.get("/en/admin/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/en/admin/").status_code == 302


def contrast(first, second):
    """WCAG's contrast ratio of two colours written #rrggbb."""

    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_series_colour_stands_out_from_its_themes_background(settings):
    from insights.charts import COLOURS

    css = (settings.BASE_DIR / "static" / "css" / "admin.css").read_text()
    dark = dict(
        re.findall(r'html\[data-theme="dark"\] \.dashboard-chart \.series-(\d)[^{]*\{ fill: (#[0-9a-f]{6}); \}', css)
    )

    assert sorted(dark) == [str(index) for index in range(len(COLOURS))]
    assert all(contrast(colour, "#ffffff") >= 3 for colour in COLOURS)  # the light theme's background
    assert all(contrast(colour, "#121212") >= 3 for colour in dark.values())  # the dark theme's
