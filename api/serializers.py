"""What the API answers. Texts are in the request's language (the view activates it) with the portal's fallbacks;
every object with translated text says in `fallbacks` which of its fields are shown in another language."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.templatetags.languages import translated

from .languages import LANGUAGE_CODES

FALLBACKS_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "string", "enum": LANGUAGE_CODES},
    "description": "For each text field of this object not shown in the requested language: the language it is "
    "shown in, by the portal's fallback chain. Empty when every text is in the requested language.",
    "example": {"description": "en"},
}


class TranslatedSerializer(serializers.Serializer):
    """A serializer whose `translated` fields are content translated per field (django-modeltranslation)."""

    translated: tuple[str, ...] = ()

    fallbacks = serializers.SerializerMethodField()

    @extend_schema_field(FALLBACKS_SCHEMA)
    def get_fallbacks(self, obj):
        shown = {field: translated(obj, field) for field in self.translated}
        return {field: text.lang for field, text in shown.items() if text.is_fallback}


def absolute(request, path):
    return request.build_absolute_uri(path) if path else None


class WebUrlMixin(serializers.Serializer):
    web_url = serializers.SerializerMethodField(help_text="The public page on the portal, in the requested language.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, obj):
        return absolute(self.context["request"], obj.get_absolute_url())


class CountryMixin(serializers.Serializer):
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.SerializerMethodField(help_text="The country's name in the requested language.")

    def get_country_name(self, obj) -> str:
        return str(countries.name(obj.country))


def label(field_name, help_text=""):
    """The display label of a choice field, e.g. kind_label for kind, in the requested language."""
    return serializers.CharField(source=f"get_{field_name}_display", help_text=help_text or "Its label.")


# ---------------------------------------------------------------- partners


class PartnerRefSerializer(CountryMixin, TranslatedSerializer):
    """A partner named inside another record; `slug` is null for a partner that is not public."""

    translated = ("name",)
    slug = serializers.SerializerMethodField(help_text="Null when the partner has no public page.")
    name = serializers.CharField()

    def get_slug(self, obj) -> str | None:
        return obj.slug if obj.is_public else None


class PartnerSerializer(CountryMixin, WebUrlMixin, TranslatedSerializer):
    translated = ("name", "short_name", "city")
    slug = serializers.SlugField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    city = serializers.CharField()
    kind = serializers.CharField()
    kind_label = label("kind")
    status = serializers.CharField()
    status_label = label("status")
    website = serializers.URLField()
    logo = serializers.SerializerMethodField()
    active_agreements = serializers.IntegerField(help_text="How many agreements with this partner are in force.")
    url = serializers.SerializerMethodField(help_text="This partner in the API.")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_logo(self, obj):
        return absolute(self.context["request"], obj.logo.url if obj.logo else None)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj):
        return absolute(self.context["request"], reverse("api:partner_detail", kwargs={"slug": obj.slug}))


class CampusSerializer(TranslatedSerializer):
    translated = ("name", "city", "address")
    name = serializers.CharField()
    city = serializers.CharField()
    address = serializers.CharField()


class UnitSerializer(TranslatedSerializer):
    translated = ("name", "short_name")
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = label("kind")
    parent = serializers.IntegerField(source="parent_id", allow_null=True, help_text="The unit it is part of.")


class PublicAgreementSerializer(TranslatedSerializer):
    translated = ("title",)
    kind = serializers.CharField()
    kind_label = label("kind")
    title = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True, help_text="Null when open-ended.")


class ProgramRefSerializer(WebUrlMixin, TranslatedSerializer):
    translated = ("title",)
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.CharField()
    kind_label = label("kind")
    level = serializers.CharField()
    level_label = label("level")
    status = serializers.CharField()
    status_label = label("status")


class ProjectSerializer(TranslatedSerializer):
    translated = ("title",)
    title = serializers.CharField()
    acronym = serializers.CharField()
    status = serializers.CharField()
    status_label = label("status")
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)


class TimelineVisitSerializer(TranslatedSerializer):
    translated = ("title",)
    title = serializers.CharField()
    direction = serializers.CharField()
    direction_label = label("direction")
    starts_on = serializers.DateField()
    period = serializers.CharField(help_text="The dates as far as they are known, written in the requested language.")
    article = serializers.SlugField(source="article.slug", help_text="The news article about the visit.")


class MobilityYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    outgoing = serializers.IntegerField()
    incoming = serializers.IntegerField()


class FormerPartnerSerializer(TranslatedSerializer):
    translated = ("name",)
    slug = serializers.SlugField()
    name = serializers.CharField()


class PartnerDetailSerializer(PartnerSerializer):
    translated = ("name", "short_name", "city", "description")
    description = serializers.CharField()
    region = serializers.CharField()
    other_names = serializers.SerializerMethodField(help_text="Latin, abbreviated and former names.")
    ror_id = serializers.CharField()
    erasmus_code = serializers.CharField()
    hei_id = serializers.CharField(help_text="The SCHAC code used by Erasmus Without Paper.")
    domains = serializers.SerializerMethodField(help_text="The institution's web and email domains.")
    campuses = CampusSerializer(many=True)
    units = UnitSerializer(many=True, source="unit_list")
    predecessors = FormerPartnerSerializer(many=True, source="public_predecessors")
    agreements = PublicAgreementSerializer(many=True, source="agreements_in_force", help_text="In force.")
    programs = ProgramRefSerializer(many=True, source="public_programs")
    projects = ProjectSerializer(many=True, source="public_projects")
    visits = TimelineVisitSerializer(many=True, source="timeline", help_text="Visits with a published article.")
    mobility_by_year = MobilityYearSerializer(many=True, help_text="Realised mobilities per year and direction.")

    def get_domains(self, obj) -> list[str]:
        return [domain.domain for domain in obj.domains.all()]

    def get_other_names(self, obj) -> list[str]:
        return [name.strip() for name in obj.other_names.splitlines() if name.strip()]


# ---------------------------------------------------------------- joint programs


class IscedFieldSerializer(TranslatedSerializer):
    translated = ("name",)
    code = serializers.CharField(help_text="ISCED-F 2013 detailed field.")
    name = serializers.CharField()


class ProgramSerializer(ProgramRefSerializer):
    translated = ("title", "description")
    field = IscedFieldSerializer(allow_null=True)
    partners = PartnerRefSerializer(many=True, source="public_partners")
    languages = serializers.CharField(help_text="Languages of instruction, as written by the office.")
    duration_months = serializers.IntegerField(allow_null=True)
    first_intake = serializers.DateField(allow_null=True)
    description = serializers.CharField()


# ---------------------------------------------------------------- exchange calls


class NameSerializer(TranslatedSerializer):
    translated = ("name",)
    name = serializers.CharField()


class CriterionSerializer(NameSerializer):
    weight = serializers.IntegerField(help_text="Weight in per cent; the weights of a call add up to 100.")


class CallHostSerializer(serializers.Serializer):
    partner = PartnerRefSerializer()
    places = serializers.IntegerField(allow_null=True, help_text="Null: any of the call's places.")


class EligibilitySerializer(serializers.Serializer):
    min_gpa = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True, help_text="On a 4.0 scale.")
    min_credits = serializers.IntegerField(allow_null=True)
    min_language_level = serializers.CharField(help_text="CEFR level, empty when none is asked.")
    min_year_of_study = serializers.IntegerField(allow_null=True)
    no_academic_debts = serializers.BooleanField()
    priority_categories = NameSerializer(many=True, help_text="Ranked first among equal scores.")
    required_documents = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="The rules as sentences, as the call's page lists them.")

    def get_required_documents(self, call) -> list[str]:
        return [str(text) for text in call.document_labels()]

    def get_summary(self, call) -> list[str]:
        rules = []
        if call.min_gpa is not None:
            rules.append(_("GPA of at least %(gpa)s on a 4.0 scale") % {"gpa": formats.localize(call.min_gpa)})
        if call.min_credits:
            rules.append(
                ngettext(
                    "At least %(credits)s credit completed",
                    "At least %(credits)s credits completed",
                    call.min_credits,
                )
                % {"credits": call.min_credits}
            )
        if call.min_language_level:
            rules.append(_("Language level %(level)s or higher") % {"level": call.min_language_level})
        if call.min_year_of_study:
            rules.append(_("From year %(year)s of study") % {"year": call.min_year_of_study})
        if call.no_academic_debts:
            rules.append(_("No academic debts"))
        return rules


class CallSerializer(WebUrlMixin, TranslatedSerializer):
    translated = ("title", "description", "second_stage")
    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    mobility_type = serializers.CharField()
    mobility_type_label = label("mobility_type")
    levels = serializers.ListField(child=serializers.CharField(), help_text="Who may apply.")
    level_labels = serializers.SerializerMethodField()
    faculties = NameSerializer(many=True, help_text="Empty: every faculty.")
    hosts = CallHostSerializer(many=True, source="host_list")
    places = serializers.IntegerField()
    funding = serializers.CharField()
    funding_label = label("funding")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    mobility_starts_on = serializers.DateField()
    mobility_ends_on = serializers.DateField()
    eligibility = EligibilitySerializer(source="*")
    criteria = CriterionSerializer(many=True, help_text="Selection criteria.")
    has_second_stage = serializers.BooleanField()
    second_stage = serializers.CharField()

    def get_level_labels(self, call) -> list[str]:
        return [str(text) for text in call.level_labels()]


# ---------------------------------------------------------------- news and visits


class PhotoSerializer(TranslatedSerializer):
    translated = ("caption", "alt_text")
    url = serializers.SerializerMethodField()
    caption = serializers.CharField()
    alt_text = serializers.CharField(help_text="What the photo shows, for readers who cannot see it.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo):
        return absolute(self.context["request"], photo.image.url)


class VisitSerializer(CountryMixin, TranslatedSerializer):
    translated = ("title", "city")
    title = serializers.CharField()
    direction = serializers.CharField()
    direction_label = label("direction")
    city = serializers.CharField()
    precision = serializers.CharField(
        help_text="`day`: exact dates; `month` or `year`: only the month or year of starts_on is known."
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    period = serializers.CharField(help_text="The dates as far as they are known, written in the requested language.")
    partners = PartnerRefSerializer(many=True, source="public_partners")


class ArticleRefSerializer(WebUrlMixin, TranslatedSerializer):
    translated = ("title",)
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The article in the API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article):
        return absolute(self.context["request"], reverse("api:news_detail", kwargs={"slug": article.slug}))


class CalendarVisitSerializer(VisitSerializer):
    article = ArticleRefSerializer()


class ArticleSerializer(ArticleRefSerializer):
    translated = ("title", "summary")
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()
    cover = PhotoSerializer(allow_null=True)
    visit = VisitSerializer()


class ArticleDetailSerializer(ArticleSerializer):
    translated = ("title", "summary", "body")
    body = serializers.CharField(help_text="HTML, cleaned: paragraphs, lists, emphasis and links only.")
    photos = PhotoSerializer(many=True, source="gallery")
