"""The annual report for leadership and the ministry: one academic year's figures as XLSX and PDF.

`annual_report(year)` gathers the tables in the active language; `report_xlsx` writes one sheet per table
(real numbers and dates, autofilter on), `report_pdf` the same tables with a chart of mobility by country.
The gender of participants is not recorded by the portal, so the report has no table for it.

Every table is read in one query whatever the data: grouped tables are counted in SQL (GROUP BY), long lists
(agreements, visits, programs, projects) are streamed from the database as they are written, so a year of
100,000 agreements costs no more memory than one of ten. The PDF is read by people: a grouped table shows its
largest rows and one "Other" row for the rest, a list its first rows; the spreadsheet has every row.

An agreement counts as signed when signed in the year; active when in force on a day of the year (active,
expired, or terminated during or after it); expiring when active and ending in the year; ended when it expired
or was terminated in the year. Mobilities count by the academic year they start in, cancelled ones not.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from django_countries import countries

from config.i18n import localized_expression
from config.spreadsheets import spreadsheet_safe
from mobility.models import ExchangeCall, Mobility
from partnerships.models import Agreement, AgreementTransition, JointProgram, Partner, ResearchProject
from visits.models import Outcome, Visit

from .health import academic_year_bounds, academic_year_label, academic_year_of

# Mobilities counted in the report: every one not cancelled.
COUNTED = [Mobility.Status.PLANNED, Mobility.Status.ONGOING, Mobility.Status.COMPLETED]
ENDED = [Agreement.Status.EXPIRED, Agreement.Status.TERMINATED]
IN_FORCE = [Agreement.Status.ACTIVE, *ENDED]
# The PDF is read by people: a longer list shows its first rows and points to the spreadsheet for the rest.
PDF_ROWS = 200
# A grouped table of the PDF (by country, partner...) shows its largest rows and sums the rest as "Other".
PDF_TOP = 25
# Rows fetched from the database at a time when a long list is streamed.
CHUNK_ROWS = 2_000
# A spreadsheet's sheet is named in at most 31 characters: each table's short name there, its title elsewhere.
SHEET_NAMES = {
    "summary": pgettext_lazy("sheet name", "Summary"),
    "countries": pgettext_lazy("sheet name", "By country"),
    "partners": pgettext_lazy("sheet name", "By partner"),
    "types": pgettext_lazy("sheet name", "By type"),
    "levels": pgettext_lazy("sheet name", "By level"),
    "funding": pgettext_lazy("sheet name", "By funding"),
    "agreements": pgettext_lazy("sheet name", "Agreements"),
    "visits": pgettext_lazy("sheet name", "Visits"),
    "outcomes": pgettext_lazy("sheet name", "Visit outcomes"),
    "programs": pgettext_lazy("sheet name", "Joint programs"),
    "projects": pgettext_lazy("sheet name", "Research projects"),
}


class Listing:
    """The rows of a long list, read when written: counted in one query, streamed in chunks by another."""

    def __init__(self, queryset, row):
        self.queryset, self.row = queryset, row

    @cached_property
    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return (self.row(item) for item in self.queryset.iterator(chunk_size=CHUNK_ROWS))

    def head(self, number: int) -> list:
        return [self.row(item) for item in self.queryset[:number]]


@dataclass
class Table:
    key: str
    title: str
    header: list
    rows: list | Listing = field(default_factory=list)
    # Grouped tables end with their figures (outgoing, incoming, total): the PDF sums the rows it leaves out.
    figures: int = 0

    def head(self, number: int) -> list:
        return self.rows.head(number) if isinstance(self.rows, Listing) else self.rows[:number]


@dataclass
class Report:
    year: int
    title: str
    tables: list

    def table(self, key) -> Table:
        return next(table for table in self.tables if table.key == key)


def _by_direction(mobilities, *fields, label):
    """Rows of (label..., outgoing, incoming, total) for the mobilities grouped by `fields`, largest first."""
    found = {}
    for *keys, direction, number in (
        mobilities.values_list(*fields, "direction").annotate(number=Count("pk")).order_by()
    ):
        found.setdefault(tuple(keys), {})[direction] = number
    rows = []
    for keys, numbers in found.items():
        outgoing = numbers.get(Mobility.Direction.OUTGOING, 0)
        incoming = numbers.get(Mobility.Direction.INCOMING, 0)
        rows.append([*label(*keys), outgoing, incoming, outgoing + incoming])
    return sorted(rows, key=lambda row: (-row[-1], [str(cell) for cell in row[:-3]]))


def _choice(choices, value):
    return str(dict(choices).get(value, value)) if value else _("Not recorded")


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _names(partner_ids, names) -> str:
    return spreadsheet_safe(", ".join(sorted(names[pk] for pk in partner_ids if pk is not None)))


def annual_report(year: int) -> Report:
    """The figures of academic year `year`/`year + 1`, in the active language, in a number of queries that does
    not grow with the data (long lists are read when the report is written)."""
    starts, ends = academic_year_bounds(year)
    label = academic_year_label(year)
    mobilities = Mobility.objects.filter(status__in=COUNTED, starts_on__gte=starts, starts_on__lte=ends)
    directions = [pgettext("mobility direction", "Outgoing"), pgettext("mobility direction", "Incoming"), _("Total")]
    tables = []

    terminated = AgreementTransition.objects.filter(to_status=Agreement.Status.TERMINATED)
    signed = Q(signed_on__gte=starts, signed_on__lte=ends)
    active = (
        Q(status__in=IN_FORCE, valid_from__lte=ends)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=starts))
        & ~Q(pk__in=terminated.filter(at__date__lt=starts).values("agreement"))
    )
    ending = Q(valid_until__gte=starts, valid_until__lte=ends)
    expiring = ending & Q(status=Agreement.Status.ACTIVE)
    ended = (ending & Q(status=Agreement.Status.EXPIRED)) | Q(
        status=Agreement.Status.TERMINATED,
        pk__in=terminated.filter(at__date__gte=starts, at__date__lte=ends).values("agreement"),
    )
    agreement_counts = Agreement.objects.aggregate(
        signed=Count("pk", filter=signed),
        active=Count("pk", filter=active),
        expiring=Count("pk", filter=expiring),
        ended=Count("pk", filter=ended),
    )
    visits = Visit.objects.filter(starts_on__gte=starts, starts_on__lte=ends).exclude(status=Visit.Status.CANCELLED)
    outcomes = Outcome.objects.filter(visit__in=visits)
    programs = JointProgram.objects.filter(
        status__in=[JointProgram.Status.RUNNING, JointProgram.Status.IN_DEVELOPMENT]
    ).filter(Q(first_intake__isnull=True) | Q(first_intake__lte=ends))
    projects = (
        ResearchProject.objects.exclude(status=ResearchProject.Status.CANCELLED)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=ends))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts))
    )
    counts = mobilities.values_list("direction").annotate(number=Count("pk")).order_by()
    per_direction = dict(counts)
    outcome_counts = dict(outcomes.values_list("status").annotate(number=Count("pk")).order_by())
    # The names of partners in the active language, for the lists that name an agreement's or a program's partners.
    # Translated columns are chosen in SQL (localized_expression): modeltranslation's fallback costs a model per row.
    names = dict(Partner.objects.annotate(shown=localized_expression("name")).values_list("pk", "shown"))
    # Labels looked up once: a model's get_FOO_display() costs more than the rest of a row.
    kinds, statuses = _labels(Agreement.Kind.choices), _labels(Agreement.Status.choices)
    yes = _("Yes")
    visit_directions, visit_statuses = _labels(Visit.Direction.choices), _labels(Visit.Status.choices)
    visit_list = Listing(
        visits.annotate(
            outcome_count=Count("outcomes"),
            done_count=Count("outcomes", filter=Q(outcomes__status=Outcome.Status.DONE)),
            shown=localized_expression("title"),
        )
        .order_by("starts_on", "shown", "pk")
        .values_list("shown", "direction", "status", "starts_on", "ends_on", "outcome_count", "done_count"),
        lambda visit: [
            spreadsheet_safe(visit[0]),
            visit_directions.get(visit[1], visit[1]),
            visit_statuses.get(visit[2], visit[2]),
            *visit[3:],
        ],
    )
    program_list = Listing(
        programs.annotate(partner_ids=ArrayAgg("partners")).order_by("title", "pk"),
        lambda program: [
            spreadsheet_safe(program.title),
            str(program.get_kind_display()),
            str(program.get_level_display()),
            str(program.get_status_display()),
            program.first_intake,
            _names(program.partner_ids, names),
        ],
    )
    project_list = Listing(
        projects.annotate(partner_ids=ArrayAgg("partners")).order_by("title", "pk"),
        lambda project: [
            spreadsheet_safe(project.title),
            str(project.get_status_display()),
            project.starts_on,
            project.ends_on,
            spreadsheet_safe(project.funding_source),
            _names(project.partner_ids, names),
        ],
    )

    tables.append(
        Table(
            "summary",
            _("Summary"),
            [_("Figure"), capfirst(_("number"))],
            [
                [_("Outgoing mobilities"), per_direction.get(Mobility.Direction.OUTGOING, 0)],
                [_("Incoming mobilities"), per_direction.get(Mobility.Direction.INCOMING, 0)],
                [_("Agreements signed"), agreement_counts["signed"]],
                [_("Agreements active"), agreement_counts["active"]],
                [_("Agreements expiring"), agreement_counts["expiring"]],
                [_("Agreements ended"), agreement_counts["ended"]],
                [_("Visits"), visit_list.count],
                [_("Visit outcomes"), sum(outcome_counts.values())],
                [_("Joint programs"), program_list.count],
                [_("Research projects"), project_list.count],
            ],
        )
    )
    tables.append(
        Table(
            "countries",
            _("Mobility by country"),
            [capfirst(_("country")), *directions],
            _by_direction(mobilities, "partner__country", label=lambda code: [str(countries.name(code))]),
            figures=3,
        )
    )
    tables.append(
        Table(
            "partners",
            _("Mobility by partner"),
            [capfirst(_("partner")), capfirst(_("country")), *directions],
            _by_direction(
                mobilities,
                "partner",
                "partner__country",
                label=lambda pk, code: [spreadsheet_safe(names[pk]), str(countries.name(code))],
            ),
            figures=3,
        )
    )
    type_choices = Mobility._meta.get_field("mobility_type").choices
    tables.append(
        Table(
            "types",
            _("Mobility by type"),
            [capfirst(_("mobility type")), *directions],
            _by_direction(mobilities, "mobility_type", label=lambda kind: [_choice(type_choices, kind)]),
            figures=3,
        )
    )
    level_choices = ExchangeCall.Level.choices
    tables.append(
        Table(
            "levels",
            _("Mobility by level"),
            [capfirst(_("level")), *directions],
            _by_direction(mobilities, "application__level", label=lambda level: [_choice(level_choices, level)]),
            figures=3,
        )
    )
    funding_choices = ExchangeCall.Funding.choices
    tables.append(
        Table(
            "funding",
            _("Mobility by funding"),
            [capfirst(_("funding")), *directions],
            _by_direction(
                mobilities, "application__call__funding", label=lambda funding: [_choice(funding_choices, funding)]
            ),
            figures=3,
        )
    )
    tables.append(
        Table(
            "agreements",
            _("Agreements"),
            [
                capfirst(_("title")),
                capfirst(_("partners")),
                capfirst(_("kind")),
                capfirst(_("status")),
                capfirst(_("signed on")),
                capfirst(_("valid from")),
                capfirst(_("valid until")),
                _("Signed this year"),
            ],
            Listing(
                Agreement.objects.filter(signed | active | ending | ended)
                .annotate(partner_ids=ArrayAgg("partners"), shown=localized_expression("title"))
                .order_by("valid_until", "shown", "pk")
                .values_list("shown", "partner_ids", "kind", "status", "signed_on", "valid_from", "valid_until"),
                lambda agreement: [
                    spreadsheet_safe(agreement[0]),
                    _names(agreement[1], names),
                    kinds.get(agreement[2], agreement[2]),
                    statuses.get(agreement[3], agreement[3]),
                    *agreement[4:],
                    yes if agreement[4] and starts <= agreement[4] <= ends else "",
                ],
            ),
        )
    )
    tables.append(
        Table(
            "visits",
            _("Visits and their outcomes"),
            [
                capfirst(_("title")),
                capfirst(_("direction")),
                capfirst(_("status")),
                capfirst(_("starts on")),
                capfirst(_("ends on")),
                capfirst(_("outcomes")),
                _("Done"),
            ],
            visit_list,
        )
    )
    tables.append(
        Table(
            "outcomes",
            _("Visit outcomes by status"),
            [capfirst(_("status")), capfirst(_("number"))],
            [[str(status.label), outcome_counts.get(status.value, 0)] for status in Outcome.Status],
        )
    )
    tables.append(
        Table(
            "programs",
            _("Joint programs"),
            [
                capfirst(_("title")),
                capfirst(_("kind")),
                capfirst(_("level")),
                capfirst(_("status")),
                capfirst(_("first intake")),
                capfirst(_("partners")),
            ],
            program_list,
        )
    )
    tables.append(
        Table(
            "projects",
            _("Research projects"),
            [
                capfirst(_("title")),
                capfirst(_("status")),
                capfirst(_("starts on")),
                capfirst(_("ends on")),
                capfirst(_("funding source")),
                capfirst(_("partners")),
            ],
            project_list,
        )
    )
    return Report(year, _("Annual report %(year)s") % {"year": label}, tables)


def report_xlsx(report: Report, output=None) -> bytes | None:
    """One sheet per table: a bold header row, real numbers and dates, the autofilter on. Written row by row in
    constant memory, to `output` (a binary file) when given, else returned."""
    from config.spreadsheets import Sheet, write_workbook

    sheets = (
        Sheet(
            str(SHEET_NAMES[table.key]),
            [str(label) for label in table.header],
            table.rows,
            (40, *[14] * (len(table.header) - 1)),
        )
        for table in report.tables
    )
    if output is not None:
        write_workbook(output, sheets, title=report.title)
        return None
    buffer = io.BytesIO()
    write_workbook(buffer, sheets, title=report.title)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _country_chart(table: Table, font: str):
    """A horizontal bar chart of outgoing and incoming mobility of the ten countries with most."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rows = list(reversed(table.rows[:10]))
    drawing = Drawing(480, 40 + 22 * len(rows))
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 30
    chart.width, chart.height = 300, 22 * len(rows)
    chart.data = [[row[1] for row in rows], [row[2] for row in rows]]
    chart.categoryAxis.categoryNames = [row[0] for row in rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, max(max(row[1], row[2]) for row in rows) // 5)
    chart.bars[0].fillColor = colors.HexColor("#1f5f99")
    chart.bars[1].fillColor = colors.HexColor("#e08a1e")
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 150, 12
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(chart.bars[0].fillColor, table.header[1]), (chart.bars[1].fillColor, table.header[2])]
    drawing.add(legend)
    return drawing


def _pdf_rows(table: Table) -> tuple[list, int]:
    """The rows the PDF shows of a table, and how many the table has: a grouped table's PDF_TOP largest and one
    "Other" row summing the rest, a list's first PDF_ROWS."""
    if not table.figures:
        return table.head(PDF_ROWS), len(table.rows)
    rows = table.rows
    if len(rows) <= PDF_TOP:
        return rows, len(rows)
    rest = rows[PDF_TOP - 1 :]
    labels = len(table.header) - table.figures
    other = [_("Other"), *[""] * (labels - 1), *(sum(row[labels + n] for row in rest) for n in range(table.figures))]
    return [*rows[: PDF_TOP - 1], other], len(rows)


def report_pdf(report: Report, language: str) -> bytes:
    """The tables in A4 landscape, with the chart of mobility by country; Kazakh and Chinese set in fonts that
    have their glyphs (DejaVu Sans embedded, the standard Chinese CID font)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from mobility.exports import _fonts, _markup

    _fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=8, leading=10)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVuSans-Bold")
    heading = ParagraphStyle("heading", parent=bold, fontSize=12, leading=16, spaceBefore=6)
    title = ParagraphStyle("title", parent=bold, fontSize=16, leading=20)
    chart_font = "STSong-Light" if language.startswith("zh") else "DejaVuSans"
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output, pagesize=landscape(A4), title=report.title, leftMargin=15 * mm, rightMargin=15 * mm
    )
    story = [Paragraph(_markup(report.title), title), Spacer(1, 4 * mm)]
    for table in report.tables:
        story.append(Paragraph(_markup(table.title), heading))
        rows, count = _pdf_rows(table)
        if table.key == "countries" and rows:
            story.append(_country_chart(table, chart_font))
        if not rows:
            story.append(Paragraph(_markup(_("None in this academic year.")), body))
            continue
        grid = PdfTable(
            [[Paragraph(_markup(cell), bold) for cell in table.header]]
            + [[Paragraph(_markup(_cell(cell)), body) for cell in row] for row in rows],
            repeatRows=1,
            hAlign="LEFT",
        )
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(grid)
        shown = len(rows) - (1 if table.figures and count > len(rows) else 0)
        if count > shown:
            note = _("Rows shown: %(shown)s of %(count)s; the spreadsheet has them all.")
            story.append(Paragraph(_markup(note % {"shown": shown, "count": count}), body))
    document.build(story)
    return output.getvalue()


def report_years(today: date) -> list[int]:
    """The academic years a report can be asked for: the last five and the current one, newest first."""
    current = academic_year_of(today)
    return list(range(current, current - 6, -1))


PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_file_name(year: int, language: str, fmt: str) -> str:
    return f"annual-report-{year}-{year + 1}-{language}.{fmt}"


def write_report(job, output, progress) -> None:
    """The annual report as an export (config.exports): gathered, written, in the job's language, in three steps."""
    progress(0, 3)
    report = annual_report(job.parameters["year"])
    progress(1, 3)
    if job.format == "pdf":
        output.write(report_pdf(report, job.language))
    else:
        report_xlsx(report, output)  # streamed: the long lists are read as they are written
    progress(2, 3)
    output.flush()
    progress(3, 3)


def report_file(year: int, language: str, fmt: str) -> tuple[bytes, str, str]:
    """The annual report of `year` in `language` as (content, file name, content type); fmt is xlsx or pdf."""
    with translation.override(language):
        report = annual_report(year)
        if fmt == "pdf":
            content, content_type = report_pdf(report, language), PDF_TYPE
        else:
            content, content_type = report_xlsx(report), XLSX_TYPE
    return content, report_file_name(year, language, fmt), content_type
