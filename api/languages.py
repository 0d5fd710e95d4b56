"""The reader's language for the API: `?lang=`, else Accept-Language, else English."""

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def requested_language(lang, accept_language: str) -> str:
    """`lang` (already validated: one of the portal's codes, or empty), else the best Accept-Language match."""
    if lang:
        return lang
    for code, _quality in parse_accept_lang_header(accept_language.lower()):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
