"""The partner network in numbers, for the public: a world map of partner countries and a few headline figures.

The country shapes come from the world map that pygal_maps_world ships (an SVG keyed by ISO 3166 codes, LGPL);
the portal redraws them once per process as straight lines on whole units, a tenth of the original's size, and
highlights the partner countries itself. The figures are cached per language and forgotten whenever a partner,
an agreement or a mobility is saved or deleted (and after CACHE_SECONDS in any case).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from mobility.models import Mobility
from partnerships.models import ANY_AGREEMENT, Agreement, Partner, directory_url

from .health import academic_year_bounds, academic_year_label, academic_year_of

CACHE_SECONDS = 600
CACHE_KEY = "insights:network:{language}"
# The shipped map is 2475 × 1388; redrawn at this scale, on whole units, it keeps every country recognisable.
SCALE = 0.4
MAP_WIDTH, MAP_HEIGHT = round(2475 * SCALE), round(1388 * SCALE)
GROUP = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)
PATH_DATA = re.compile(r' d="([^"]+)"')
TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7}
# How far (in map units) a redrawn border may stray from the original.
TOLERANCE = 0.6
# Fewer distinct points than this and an island is too small to see on the map.
SMALLEST_SHAPE = 3


def _subpaths(data: str):
    """The points of each subpath of an SVG path, in absolute coordinates, curves replaced by their end points."""
    tokens = TOKEN.findall(data)
    x = y = 0.0
    command, shape, index = "m", [], 0
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            command = token
            index += 1
            if command in "zZ":
                yield shape
                shape = []
            continue
        lower = command.lower()
        count = ARGUMENTS[lower]
        values = [float(value) for value in tokens[index : index + count]]
        index += count
        relative = command.islower()
        if lower == "h":
            x = x + values[0] if relative else values[0]
        elif lower == "v":
            y = y + values[0] if relative else values[0]
        else:
            x, y = (x + values[-2], y + values[-1]) if relative else (values[-2], values[-1])
        if lower == "m":
            if shape:
                yield shape
            shape = []
            command = "l" if relative else "L"
        shape.append((x, y))
    if shape:
        yield shape


def _thinned(points, tolerance=TOLERANCE):
    """Ramer–Douglas–Peucker: drop the points closer than `tolerance` to the line through their neighbours."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1e-9
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            away = abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / length
            if away > distance:
                farthest, distance = index, away
        if farthest is not None:
            keep[farthest] = True
            spans += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _pair(dx, dy):
    return f"{dx}{'' if dy < 0 else ' '}{dy}"


def _simplified(data: str) -> str:
    parts = []
    for shape in _subpaths(data):
        points = []
        for x, y in _thinned([(x * SCALE, y * SCALE) for x, y in shape]):
            point = (round(x), round(y))
            if not points or point != points[-1]:
                points.append(point)
        if len(set(points)) >= SMALLEST_SHAPE:
            steps = " ".join(_pair(x1 - x0, y1 - y0) for (x0, y0), (x1, y1) in pairwise(points))
            parts.append(f"M{points[0][0]} {points[0][1]}l{steps}z")
    return "".join(parts)


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, str]:
    """{ISO code in capitals: SVG path data} of every country on the shipped world map."""
    source = (files("pygal_maps_world") / "worldmap.svg").read_text(encoding="utf-8")
    shapes = {}
    for code, group in GROUP.findall(source):
        data = "".join(_simplified(path) for path in PATH_DATA.findall(group))
        if data:
            shapes[code.upper()] = data
    return shapes


@dataclass(frozen=True)
class Shade:
    """A shade of the map, for the partner countries with `low` to `high` partners (no bound: `high` is None)."""

    level: int
    low: int
    high: int | None


# Three shades of the map: one partner, a few, many; its legend says so in words.
SHADES = (Shade(1, 1, 1), Shade(2, 2, 5), Shade(3, 6, None))


@dataclass
class Country:
    code: str
    name: str
    partners: int
    url: str  # the directory listing these partners

    @property
    def level(self):
        return next(shade.level for shade in SHADES if shade.high is None or self.partners <= shade.high)


def _figures(today):
    # The partners with an agreement in force: what the directory lists with its agreement filter «any».
    by_country = Partner.objects.public().with_active_agreement().counts_by_country()
    listed = sorted(
        (
            Country(code, str(countries.name(code)), number, directory_url(country=code, agreement_kind=ANY_AGREEMENT))
            for code, number in by_country.items()
            if code
        ),
        key=lambda country: (-country.partners, country.name),
    )
    starts, ends = academic_year_bounds(academic_year_of(today))
    return {
        "countries": listed,
        "partners": sum(country.partners for country in listed),
        "partners_url": directory_url(agreement_kind=ANY_AGREEMENT),
        "agreements": Agreement.objects.active().count(),
        "mobilities": Mobility.objects.exclude(status=Mobility.Status.CANCELLED)
        .filter(starts_on__gte=starts, starts_on__lte=ends)
        .count(),
        "year": academic_year_label(academic_year_of(today)),
    }


def network(today=None) -> dict:
    """The headline figures and the partner countries, in the reader's language: three queries, or none when cached."""
    key = CACHE_KEY.format(language=get_language())
    found = cache.get(key)
    if found is None:
        found = _figures(today or timezone.localdate())
        cache.set(key, found, CACHE_SECONDS)
    return found


def world_map(listed: list[Country]) -> list[dict]:
    """Every country's shape, the partner countries with their name, number of partners and shade."""
    partners = {country.code: country for country in listed}
    return [{"code": code, "d": data, "country": partners.get(code)} for code, data in sorted(country_shapes().items())]


def forget_network(**kwargs):
    """Drop the cached figures in every language (connected to saves and deletes of what they count)."""
    from django.conf import settings

    cache.delete_many([CACHE_KEY.format(language=code) for code, _name in settings.LANGUAGES])
