"""Charts drawn by the portal: horizontal bar charts as inline SVG, each with the same figures as a table.

The SVG is a group named by its title and description; each bar in it is a link or an image named by its row, its
series and its figure ("Kazakhstan, Outgoing: 4"), so a screen reader or a keyboard meets no unnamed bar. The table
after it carries the same figures and links, so nothing is only in the picture.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext

BAR_ROOM = 270
BAR_HEIGHT = 16
ROW_GAP = 10
NUMBER_ROOM = 40
# A row's label in up to MAX_LINES lines of at most LINE_WIDTH (px at the charts' 12 px), the label column as wide as
# the widest line: "180 күн ішінде аяқталады" or a long mobility type is drawn whole in every language.
LINE_WIDTH = 220
MAX_LINES = 3
LINE_HEIGHT = 14
LABEL_GAP = 8
# Colours of the series (the portal's palette, each with at least 3:1 contrast on white); the dark theme has its own
# (static/css/admin.css, by the series' class).
COLOURS = ["#1f5fa8", "#b35900", "#2e7d32", "#7b1fa2"]


@dataclass
class Cell:
    value: int
    url: str = ""


@dataclass
class Row:
    label: str
    cells: list[Cell]


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    series: int  # the bar's column: its colour, and its class for the dark theme's colour
    value: int
    url: str
    text_x: int
    text_y: int
    name: str

    @property
    def colour(self) -> str:
        return COLOURS[self.series]


@dataclass
class Chart:
    """A chart with its id (for the SVG's title and description), one series per column, one bar group per row."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def empty(self):
        return not any(cell.value for row in self.rows for cell in row.cells)

    @property
    def series(self):
        return [
            {"label": label, "colour": COLOURS[index % len(COLOURS)], "index": index % len(COLOURS)}
            for index, label in enumerate(self.columns)
        ]

    def geometry(self):
        """The bars (with their links) and the row labels' lines and positions, scaled to the largest value."""
        largest = max([cell.value for row in self.rows for cell in row.cells] + [1])
        room = BAR_ROOM
        lines = [label_lines(str(row.label)) for row in self.rows]
        label_width = round(max([text_width(line) for row in lines for line in row] + [60])) + 2 * LABEL_GAP
        labels, bars = [], []
        several = len(self.columns) > 1
        y = ROW_GAP
        for row, row_lines in zip(self.rows, lines, strict=True):
            group_height = max(BAR_HEIGHT * len(row.cells), LINE_HEIGHT * len(row_lines) + 2)
            first = y + group_height // 2 + 5 - LINE_HEIGHT * (len(row_lines) - 1) // 2
            labels.append({"lines": row_lines, "x": label_width - LABEL_GAP, "y": first, "dy": LINE_HEIGHT})
            for index, cell in enumerate(row.cells):
                width = round(room * cell.value / largest)
                top = y + index * BAR_HEIGHT
                bars.append(
                    Bar(
                        x=label_width,
                        y=top + 1,
                        width=max(width, 1 if cell.value else 0),
                        height=BAR_HEIGHT - 2,
                        series=index % len(COLOURS),
                        value=cell.value,
                        url=cell.url,
                        text_x=label_width + width + 4,
                        text_y=top + BAR_HEIGHT - 4,
                        name=self._bar_name(row, index if several else None, cell),
                    )
                )
            y += group_height + ROW_GAP
        width = label_width + room + NUMBER_ROOM
        return {"labels": labels, "bars": bars, "width": width, "height": max(y, 2 * ROW_GAP)}

    def _bar_name(self, row, series, cell):
        if series is None:
            return gettext("%(row)s: %(figure)s") % {"row": row.label, "figure": cell.value}
        return gettext("%(row)s, %(series)s: %(figure)s") % {
            "row": row.label,
            "series": self.columns[series],
            "figure": cell.value,
        }


def text_width(text: str) -> float:
    """About how wide a text is drawn at 12 px: a Chinese character is square, other letters about 7.5 px."""
    return sum(12 if unicodedata.east_asian_width(char) in "WF" else 7.5 for char in text)


def label_lines(text: str, *, limit: int = LINE_WIDTH) -> list[str]:
    """The label in at most MAX_LINES lines of `limit` px, broken between words (within a word of Chinese, between
    characters); what the last line cannot hold ends in "…" (the table below the chart has it whole)."""
    words = []
    for word in re.findall(r"\S+?-(?=\S)|\S+", text):  # a hyphenated word may break after its hyphen
        while text_width(word) > limit:  # a word wider than a line (Chinese has no spaces): cut by characters
            cut = next(n for n in range(len(word), 0, -1) if text_width(word[:n]) <= limit)
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    lines = []
    for word in words:
        joined = (lines[-1] + ("" if lines[-1].endswith("-") else " ") + word) if lines else ""
        if lines and text_width(joined) <= limit:
            lines[-1] = joined
        else:
            lines.append(word)
    if len(lines) <= MAX_LINES:
        return lines or [""]
    rest = " ".join(lines[MAX_LINES - 1 :])
    while text_width(f"{rest}…") > limit:
        rest = rest[:-1]
    return [*lines[: MAX_LINES - 1], f"{rest.rstrip()}…"]
