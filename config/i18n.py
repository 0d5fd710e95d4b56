"""Per-language columns of translated fields, built from settings.LANGUAGES so that no list forgets one."""

from django.conf import settings
from django.db.models import CharField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localized_fields(*names: str) -> tuple[str, ...]:
    """Every language's column of each field, in the order of settings.LANGUAGES:
    localized_fields("title") -> ("title_kk", "title_ru", "title_en", "title_zh_hans").

    Works for lookups too: localized_fields("call__title") -> ("call__title_kk", ...).
    """
    return tuple(build_localized_fieldname(name, code) for name in names for code in language_codes())


def localized_expression(field: str = "name") -> Coalesce:
    """The field in the page's language, falling back like the content does, for sorting in SQL."""
    languages = resolution_order(get_language(), FALLBACK_LANGUAGES)
    fields = [NullIf(build_localized_fieldname(field, code), Value("")) for code in languages]
    return Coalesce(*fields, field, output_field=CharField())
