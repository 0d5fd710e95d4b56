"""Nominee lists for host institutions, as XLSX and PDF, in the host's preferred language."""

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from config.spreadsheets import spreadsheet_safe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CJK = re.compile(r"([\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+)")


def nominee_list(call, partner, nominees, *, fmt: str) -> tuple[bytes, str, str]:
    """The file's bytes, content type and extension; texts are in the partner's language (English if unset).

    Nominees come in the order given (the ranking's); each with the passport spelling of the name next to the own.
    """
    with translation.override(partner.language or "en"):
        title = _("Nominees of «%(call)s» to %(host)s") % {"call": call.title, "host": partner.name}
        header = [
            _("No."),
            _("Name in Latin letters"),
            _("Full name"),
            pgettext("column", "Email"),
            _("Level"),
            _("Faculty"),
            _("Mobility period"),
        ]
        period = f"{formats.date_format(call.mobility_starts_on)} – {formats.date_format(call.mobility_ends_on)}"
        rows = [
            [
                number,
                nominee.name_in_latin,
                nominee.applicant.full_name or nominee.applicant.email,
                nominee.applicant.email,
                nominee.get_level_display(),
                nominee.faculty.name if nominee.faculty else "",
                period,
            ]
            for number, nominee in enumerate(nominees, 1)
        ]
        if fmt == "xlsx":
            return _xlsx(title, header, rows), XLSX, "xlsx"
        return _pdf(title, header, rows), "application/pdf", "pdf"


# The spreadsheet and PDF libraries are imported where they are used: together they take about a second
# to load, and only the nominee lists need them.
def _xlsx(title, header, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Nominees")[:31]
    sheet.append([spreadsheet_safe(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_safe(cell) for cell in row])
    for column, width in zip("ABCDEFG", (6, 32, 32, 32, 20, 36, 26), strict=True):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _fonts():
    """DejaVu Sans (embedded: Latin, Cyrillic with every Kazakh letter) and the standard Chinese CID font."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("DejaVuSans", fonts / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", fonts / "DejaVuSans-Bold.ttf"))
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def _markup(text) -> str:
    """Escape text for a Paragraph and set Chinese runs in the Chinese font, the rest in DejaVu Sans."""
    return CJK.sub(r'<font name="STSong-Light">\1</font>', escape(str(text)))


def _pdf(title, header, rows) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _fonts()
    body = ParagraphStyle("body", fontName="DejaVuSans", fontSize=9, leading=12)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVuSans-Bold")
    heading = ParagraphStyle("heading", parent=bold, fontSize=14, leading=18)
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output, pagesize=landscape(A4), title=title, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm
    )
    table = Table(
        [[Paragraph(_markup(cell), bold) for cell in header]]
        + [[Paragraph(_markup(cell), body) for cell in row] for row in rows],
        colWidths=[10 * mm, 42 * mm, 42 * mm, 50 * mm, 30 * mm, 50 * mm, 43 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    document.build([Paragraph(_markup(title), heading), Spacer(1, 6 * mm), table])
    return output.getvalue()
