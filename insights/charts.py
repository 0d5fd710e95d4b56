"""Charts drawn by the portal: horizontal bar charts as inline SVG, each with the same figures as a table.

The SVG is a group named by its title and description; each bar in it is a link or an image named by its row, its
series and its figure ("Kazakhstan, Outgoing: 4"), so a screen reader or a keyboard meets no unnamed bar. The table
after it carries the same figures and links, so nothing is only in the picture.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext

WIDTH = 480
LABEL_WIDTH = 170
BAR_HEIGHT = 16
ROW_GAP = 10
NUMBER_ROOM = 40
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
        """The bars (with their links) and the row labels' positions, scaled to the largest value."""
        largest = max([cell.value for row in self.rows for cell in row.cells] + [1])
        room = WIDTH - LABEL_WIDTH - NUMBER_ROOM
        labels, bars = [], []
        several = len(self.columns) > 1
        y = ROW_GAP
        for row in self.rows:
            group_height = BAR_HEIGHT * len(row.cells)
            labels.append({"text": row.label, "x": LABEL_WIDTH - 8, "y": y + group_height // 2 + 5})
            for index, cell in enumerate(row.cells):
                width = round(room * cell.value / largest)
                top = y + index * BAR_HEIGHT
                bars.append(
                    Bar(
                        x=LABEL_WIDTH,
                        y=top + 1,
                        width=max(width, 1 if cell.value else 0),
                        height=BAR_HEIGHT - 2,
                        series=index % len(COLOURS),
                        value=cell.value,
                        url=cell.url,
                        text_x=LABEL_WIDTH + width + 4,
                        text_y=top + BAR_HEIGHT - 4,
                        name=self._bar_name(row, index if several else None, cell),
                    )
                )
            y += group_height + ROW_GAP
        return {"labels": labels, "bars": bars, "width": WIDTH, "height": max(y, 2 * ROW_GAP)}

    def _bar_name(self, row, series, cell):
        if series is None:
            return gettext("%(row)s: %(figure)s") % {"row": row.label, "figure": cell.value}
        return gettext("%(row)s, %(series)s: %(figure)s") % {
            "row": row.label,
            "series": self.columns[series],
            "figure": cell.value,
        }
