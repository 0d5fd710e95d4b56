"""The query parameters of each endpoint, validated (a refused value is a 400 naming it) and documented."""

from django.conf import settings
from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mobility.models import Application, ExchangeCall, Mobility
from partnerships.models import Agreement, JointProgram, Partner
from visits.models import Visit

from .pagination import MAX_PAGE_SIZE

# Text without NUL characters (Django and DRF refuse them), so the schema says exactly what is accepted.
TEXT = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"


def choice(choices, help_text):
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, help_text=help_text)


def slug(help_text):
    return serializers.RegexField(SLUG, max_length=120, required=False, allow_blank=True, help_text=help_text)


def optional(field_class, schema):
    """A typed parameter that may also come empty, as an empty form field does: empty means not given.

    A subclass carries the schema, since DRF copies field instances (and their attributes) per serializer.
    """
    return extend_schema_field({"oneOf": [schema, {"type": "string", "maxLength": 0}]})(
        type(f"Optional{field_class.__name__}", (field_class,), {})
    )


def integer(minimum, maximum, help_text):
    field_class = optional(serializers.IntegerField, {"type": "integer", "minimum": minimum, "maximum": maximum})
    return field_class(required=False, min_value=minimum, max_value=maximum, help_text=help_text)


OptionalDateField = optional(serializers.DateField, {"type": "string", "format": "date"})


def day(help_text):
    return OptionalDateField(required=False, help_text=help_text)


COUNTRY_CODES = [code for code, _name in countries]


@extend_schema_field({"type": "string", "enum": [*COUNTRY_CODES, ""]})
class CountryField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 code the portal knows (Kosovo's XK included); the schema lists the codes only."""

    def __init__(self, help_text):
        super().__init__(choices=COUNTRY_CODES, required=False, allow_blank=True, help_text=help_text)


class LanguageQuery(serializers.Serializer):
    lang = choice(
        settings.LANGUAGES,
        "The language of the texts; without it the Accept-Language header decides, then English. A text missing "
        "in that language is shown in its fallback (kk: ru, en; ru: kk, en; zh-hans: en; en: ru), named in "
        "`fallbacks`.",
    )


class DetailQuery(LanguageQuery):
    pass


class ListQuery(LanguageQuery):
    page = integer(1, 2**31 - 1, "Page number.")
    page_size = integer(1, MAX_PAGE_SIZE, "Results per page (25 when not given).")


class PartnerQuery(ListQuery):
    q = serializers.RegexField(
        TEXT,
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Search: any of the partner's names in any language, its Latin or former names, its domains; "
        "close misspellings match too. The same search as the portal's directory.",
    )
    country = CountryField("ISO 3166-1 alpha-2 code.")
    kind = choice(Partner.Kind.choices, "Kind of institution.")
    status = choice(Partner.Status.choices, "Status of the partnership.")
    agreement_kind = choice(Agreement.Kind.choices, "Partners with an agreement of this kind in force.")
    field = serializers.RegexField(
        r"^\d{4}$",
        required=False,
        allow_blank=True,
        help_text="ISCED-F code: partners with a joint program or an agreement condition in this field.",
    )
    ordering = choice(
        [("name", "by name"), ("country", "by country"), ("-agreements", "most agreements in force first")],
        "Sort order; `name` when not given.",
    )


class ProgramQuery(ListQuery):
    kind = choice(JointProgram.Kind.choices, "Kind of program.")
    level = choice(JointProgram.Level.choices, "Level of study.")
    status = choice(JointProgram.Status.choices, "Status of the program.")
    partner = slug("Programs with this partner (its slug).")


class CallQuery(ListQuery):
    type = choice(ExchangeCall.MobilityType.choices, "Mobility type.")
    level = choice(ExchangeCall.Level.choices, "Calls open to this level.")
    partner = slug("Calls offering this host institution (its slug).")
    ordering = choice(
        [("closes_at", "soonest deadline first"), ("-closes_at", "latest deadline first")],
        "Sort order; `closes_at` when not given.",
    )


class NewsQuery(ListQuery):
    year = integer(1, 9999, "Year of the visit.")
    partner = slug("Articles about visits with this partner (its slug).")
    country = CountryField("Country of the visit (ISO 3166-1 alpha-2).")
    direction = choice(Visit.Direction.choices, "Outgoing or incoming visits.")


class VisitQuery(NewsQuery):
    starts_from = day("Visits starting on this day or later.")
    starts_until = day("Visits starting on this day or earlier.")
    ordering = choice(
        [("starts_on", "earliest first"), ("-starts_on", "latest first")], "Sort order; `starts_on` when not given."
    )


# ---------------------------------------------------------------- private endpoints


class AgreementQuery(ListQuery):
    status = choice(Agreement.Status.choices, "Status of the agreement.")
    kind = choice(Agreement.Kind.choices, "Kind of agreement.")
    partner = slug("Agreements with this partner (its slug).")
    valid_on = day("Agreements in force on this day.")


class SelectionQuery(ListQuery):
    state = choice(
        [("upcoming", "not yet open"), ("open", "open now"), ("closed", "closed")], "The application window."
    )


class NominationQuery(ListQuery):
    call = slug("The call (its slug).")
    host = slug("The host institution (its slug).")
    status = choice(
        [(status.value, status.label) for status in Application.NOMINATION_STATUSES],
        "Nominated, accepted by the host, or completed.",
    )


class MobilityQuery(ListQuery):
    direction = choice(Mobility.Direction.choices, "Outgoing or incoming.")
    status = choice(Mobility.Status.choices, "Status of the mobility.")
    type = choice(ExchangeCall.MobilityType.choices, "Mobility type.")
    partner = slug("Mobilities to or from this partner (its slug).")
    starts_from = day("Mobilities starting on this day or later.")
    starts_until = day("Mobilities starting on this day or earlier.")
