"""A streaming XLSX writer for the portal's long spreadsheets (the annual report): rows go straight into the zip.

openpyxl builds an object per cell, which at 100,000 rows costs more than reading them from the database; this
writes each row as one string of SpreadsheetML, in constant memory. Its sheets have what the portal's exports
promise: a bold header row frozen at the top, the autofilter on, real numbers and dates (yyyy-mm-dd), text
written as it is (escape formulas first: config/spreadsheets.py). openpyxl, Excel and LibreOffice read them.
"""

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

# Characters XML 1.0 cannot carry at all (control characters but tab, line feed and carriage return).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EPOCH = date(1899, 12, 30)  # day 0 of a spreadsheet's dates
MIDNIGHT = datetime.combine(EPOCH, time())
# Cell styles (cellXfs below): 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
BOLD, DAY, MOMENT = 1, 2, 3
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm"/>
</numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class Sheet:
    title: str
    header: list
    rows: object  # any iterable of rows, read once
    widths: tuple = ()


def _cell(column: str, row: int, value) -> str:
    where = f"{column}{row}"
    if type(value) is str:  # the most common cell first
        if not value:
            return ""
        text = escape(ILLEGAL.sub("", value))
        return f'<c r="{where}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{where}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{where}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - MIDNIGHT).total_seconds() / 86400
        return f'<c r="{where}" s="{MOMENT}"><v>{serial}</v></c>'
    if isinstance(value, date):
        return f'<c r="{where}" s="{DAY}"><v>{(value - EPOCH).days}</v></c>'
    text = escape(ILLEGAL.sub("", str(value)))
    return f'<c r="{where}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _write_sheet(stream, sheet: Sheet) -> None:
    width = max(1, len(sheet.header))
    columns = [get_column_letter(n) for n in range(1, width + 1)]
    stream.write(
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'.encode()
    )
    if sheet.widths:
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>' for n, w in enumerate(sheet.widths, start=1)
        )
        stream.write(f"<cols>{cols}</cols>".encode())
    header = "".join(
        f'<c r="{column}1" t="inlineStr" s="{BOLD}"><is><t>{escape(str(label))}</t></is></c>'
        for column, label in zip(columns, sheet.header, strict=False)
    )
    stream.write(f'<sheetData><row r="1">{header}</row>'.encode())
    number = 1
    for number, row in enumerate(sheet.rows, start=2):
        cells = "".join(_cell(column, number, value) for column, value in zip(columns, row, strict=False))
        stream.write(f'<row r="{number}">{cells}</row>'.encode())
    stream.write(f'</sheetData><autoFilter ref="A1:{columns[-1]}{number}"/></worksheet>'.encode())


def write_workbook(output, sheets, *, title: str = "") -> None:
    """Write the sheets, in order, as one XLSX file to the binary `output`; each sheet's rows are read once."""
    names = []
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for index, sheet in enumerate(sheets, start=1):
            names.append(ILLEGAL.sub("", str(sheet.title))[:31] or f"Sheet{index}")
            with package.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as stream:
                _write_sheet(stream, sheet)
        count = len(names)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f"{overrides}</Types>",
        )
        package.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>',
        )
        package.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(ILLEGAL.sub('', str(title)))}</dc:title></cp:coreProperties>",
        )
        sheet_list = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, start=1)
        )
        package.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONS}"><sheets>{sheet_list}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE}">{relations}'
            f'<Relationship Id="rId{count + 1}" Type="{RELATIONS}/styles" Target="styles.xml"/></Relationships>',
        )
        package.writestr("xl/styles.xml", STYLES)
