"""How each language writes lists, places, date ranges and alphabetical order.

Templates use these through the tags in config/templatetags/languages.py; Python code calls them directly.
"""

import unicodedata

from django.utils import formats
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, pgettext

from .pinyin import COUNTRY_NAMES

# Date ranges leave out what both ends share (the year, the month). Each language's format module
# (config/formats/<lang>/formats.py) may set DATE_RANGE_FORMATS; these are the English ones.
DEFAULT_RANGE_FORMATS = {
    "same_month": ("N j", "–", "j, Y"),  # Oct. 29–31, 2025
    "same_year": ("N j", " – ", "N j, Y"),  # Oct. 29 – Nov. 2, 2025
    "other_years": ("N j, Y", " – ", "N j, Y"),  # Dec. 29, 2025 – Jan. 2, 2026
}

# Kazakh Cyrillic order: each letter Kazakh adds comes right after its Russian neighbour, and і after ы.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
RUSSIAN_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def list_separator(*, long_items=False):
    """ ", " between list items ("、" in Chinese); "; " between items that carry commas of their own ("；")."""
    if long_items:
        return pgettext("separator between list items that contain commas", "; ")
    return pgettext("separator between list items", ", ")


def join_list(items, *, long_items=False):
    """Names joined as the reader's language joins them; each keeps its capital letters."""
    separator = list_separator(long_items=long_items)
    items = [item for item in items if item]
    if any(hasattr(item, "__html__") for item in items):
        return format_html_join(separator, "{}", ((item,) for item in items))
    return separator.join(str(item) for item in items)


def lower_first(label):
    """ "Bachelor students" inside a sentence or list becomes "bachelor students"; "CV" and "ISCED" stay."""
    text = str(label)
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def join_labels(labels, *, long_items=False):
    """Choice labels (levels, documents) listed inside a sentence: no capital letters after the first word.

    Chinese has no capitals; Kazakh, Russian and English lists write common nouns in small letters.
    """
    return join_list([lower_first(label) for label in labels], long_items=long_items)


def place(city, country):
    """A city and its country as the language writes a place: "Urumqi, China", but "中国乌鲁木齐".

    Either part may be safe HTML (a city marked with its own lang attribute) or empty.
    """
    if not city:
        return country
    if not country:
        return city
    if (get_language() or "").startswith("zh"):
        return format_html("{}{}", country, city)
    return format_html("{}, {}", city, country)


def range_formats():
    """The DATE_RANGE_FORMATS of the active language's format module, or the English ones."""
    for module in formats.get_format_modules(get_language()):
        if hasattr(module, "DATE_RANGE_FORMATS"):
            return module.DATE_RANGE_FORMATS
    return DEFAULT_RANGE_FORMATS


def date_range(start, end=None):
    """Two dates as one range that names the year (and the month) once: "29 October – 2 November 2025"."""
    if start is None:
        return ""
    if end is None or end == start:
        return date_format(start)
    if (start.year, start.month) == (end.year, end.month):
        kind = "same_month"
    elif start.year == end.year:
        kind = "same_year"
    else:
        kind = "other_years"
    first, separator, last = range_formats()[kind]
    return f"{date_format(start, first)}{separator}{date_format(end, last)}"


def collation_key(text, language=None):
    """A sort key that orders names as a reader of the language expects.

    Kazakh and Russian by their alphabets (Python's code point order puts ә, і, ң... after я, and ё after я);
    Chinese by pinyin (pypinyin, pure Python: Unicode order of Han characters means nothing to a reader),
    then by the characters themselves; other languages by letters without accents. Country names come spelled
    from config.pinyin, so the web processes, which sort only those, never load pypinyin's dictionaries.
    """
    language = language or get_language() or ""
    text = str(text).casefold()
    if language.startswith("zh"):
        spelled = COUNTRY_NAMES.get(text)
        if spelled is None:
            from pypinyin import Style, lazy_pinyin

            spelled = " ".join(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True))
        return (spelled, text)
    alphabet = KAZAKH_ALPHABET if language == "kk" else RUSSIAN_ALPHABET
    positions = {letter: index for index, letter in enumerate(alphabet)}
    key = []
    for char in unicodedata.normalize("NFC", text):
        if char in positions:
            key.append((1, positions[char], ""))
        else:
            # Latin and other letters without accents, before Cyrillic; digits and spaces first of all.
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode() or char
            key.append((0, 0, plain))
    return (key, text)
