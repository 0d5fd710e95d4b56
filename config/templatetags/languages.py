from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language
from django_countries import countries
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order

from config import text

register = template.Library()


@dataclass(frozen=True)
class Shown:
    text: str
    lang: str
    is_fallback: bool


@register.simple_tag
def translated(obj, field):
    """A translated field in the page's language or its fallback, with the language actually shown.

    Usage: {% translated obj "name" as name %}<h1{% if name.is_fallback %} lang="{{ name.lang }}"{% endif %}>
    so that screen readers and fonts treat fallback text as the language it is written in.
    """
    language = get_language()
    for code in resolution_order(language, FALLBACK_LANGUAGES):
        text = getattr(obj, build_localized_fieldname(field, code), "")
        if text:
            return Shown(text=text, lang=code, is_fallback=code != language)
    return Shown(text="", lang=language, is_fallback=False)


@register.filter
def country_name(code):
    """A country's name in the page's language (django-countries translates it)."""
    return countries.name(code) if code else ""


@register.filter
def in_language(path, language):
    """The same page in another language: /kk/partners/ becomes /zh-hans/partners/."""
    return _translated(path, language, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=512)  # a few MB at most, however long the addresses readers send
def _translated(path, language, urlconf, script_prefix):
    # Resolving a path and reversing it is a good share of a page's time, four times over on every page (the
    # language switcher); the answer depends only on the path, the language, the URLs and their prefix.
    return translate_url(path, language)


@register.simple_tag
def languages_by_own_name():
    """settings.LANGUAGES as written there, each in its own script (Django's tag would translate them)."""
    return settings.LANGUAGES


@register.filter
def date_range(start, end=None):
    """{{ visit.starts_on|date_range:visit.ends_on }}: the year (and month) written once."""
    return text.date_range(start, end)


@register.filter
def join_labels(labels):
    """{{ call.level_labels|join_labels }}: choice labels listed without capitals after the first."""
    return text.join_labels(labels)


@register.simple_tag
def list_separator(kind=""):
    """Between items of a list built in a loop: {% list_separator %}, or {% list_separator "long" %} when
    the items carry commas of their own ("、" and "；" in Chinese)."""
    return text.list_separator(long_items=kind == "long")


@register.simple_tag
def place(city, country_code):
    """{% place city partner.country %}: "Urumqi, China", "中国乌鲁木齐"; city may be a {% translated %} result."""
    if isinstance(city, Shown):
        city = (
            format_html('<span lang="{}">{}</span>', city.lang, city.text)
            if city.is_fallback and city.text
            else city.text
        )
    return text.place(conditional_escape(city or ""), country_name(country_code))
