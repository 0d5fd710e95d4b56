from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from django_countries import countries
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order

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
    return translate_url(path, language)


@register.simple_tag
def languages_by_own_name():
    """settings.LANGUAGES as written there, each in its own script (Django's tag would translate them)."""
    return settings.LANGUAGES
