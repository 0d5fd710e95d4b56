"""What the token-protected endpoints answer: no more personal data than each scope needs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mobility.models import Application

from .serializers import CountryMixin, IscedFieldSerializer, TranslatedSerializer, label


class AgreementPartnerSerializer(CountryMixin, TranslatedSerializer):
    translated = ("name",)
    slug = serializers.SlugField()
    name = serializers.CharField()
    is_public = serializers.BooleanField(help_text="Whether the partner is shown on the portal's public pages.")
    hei_id = serializers.CharField(help_text="The SCHAC code used by Erasmus Without Paper.")
    erasmus_code = serializers.CharField()


class UnitRefSerializer(TranslatedSerializer):
    translated = ("name",)
    id = serializers.IntegerField()
    name = serializers.CharField()


class PartnerUnitSerializer(UnitRefSerializer):
    partner = serializers.SlugField(source="partner.slug")


class SideSerializer(serializers.Serializer):
    """One side of a cooperation condition: a partner, or our own university when `partner` is null."""

    partner = serializers.SerializerMethodField(help_text="The partner's slug; null for our own university.")
    unit = UnitRefSerializer(allow_null=True)

    def get_partner(self, side) -> str | None:
        return side["partner"].slug if side["partner"] else None


class ConditionSerializer(TranslatedSerializer):
    translated = ("other_terms",)
    id = serializers.IntegerField()
    mobility_type = serializers.CharField()
    mobility_type_label = label("mobility_type")
    sending = serializers.SerializerMethodField()
    receiving = serializers.SerializerMethodField()
    academic_year_from = serializers.CharField(help_text="e.g. 2025/2026")
    academic_year_to = serializers.CharField()
    places_per_year = serializers.IntegerField()
    total_months_per_year = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    total_days_per_year = serializers.IntegerField(allow_null=True)
    fields_of_education = IscedFieldSerializer(many=True)
    eqf_levels = serializers.ListField(child=serializers.IntegerField(min_value=5, max_value=8))
    language = serializers.CharField(help_text="Recommended language, e.g. en, zh, ru.")
    cefr_level = serializers.CharField(help_text="Recommended CEFR level, empty when none.")
    is_blended = serializers.BooleanField()
    other_terms = serializers.CharField()

    def _side(self, condition, name):
        side = {"partner": getattr(condition, f"{name}_partner"), "unit": getattr(condition, f"{name}_unit")}
        return SideSerializer(side, context=self.context).data

    @extend_schema_field(SideSerializer)
    def get_sending(self, condition):
        return self._side(condition, "sending")

    @extend_schema_field(SideSerializer)
    def get_receiving(self, condition):
        return self._side(condition, "receiving")


class AgreementSerializer(TranslatedSerializer):
    translated = ("title",)
    id = serializers.IntegerField()
    reference_number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = label("kind")
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = label("status")
    partners = AgreementPartnerSerializer(many=True)
    home_unit = UnitRefSerializer(allow_null=True, help_text="Our responsible unit.")
    partner_units = PartnerUnitSerializer(many=True, help_text="The partners' responsible units.")
    signed_on = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True, help_text="Null when open-ended.")
    auto_renewal = serializers.BooleanField()
    renewal_notice_days = serializers.IntegerField()
    conditions = ConditionSerializer(many=True, help_text="Cooperation conditions.")


class HostRefSerializer(CountryMixin, TranslatedSerializer):
    translated = ("name",)
    slug = serializers.SlugField()
    name = serializers.CharField()


class SelectionHostSerializer(serializers.Serializer):
    partner = HostRefSerializer()
    places = serializers.IntegerField(allow_null=True, help_text="Null: any of the call's places.")
    nominated = serializers.IntegerField(help_text="Applications nominated to this host (also accepted, completed).")


StatusCountsSerializer = type(
    "ApplicationStatusCountsSerializer",
    (serializers.Serializer,),
    {status: serializers.IntegerField() for status in Application.Status.values},
)


class SelectionSerializer(TranslatedSerializer):
    translated = ("title",)
    slug = serializers.SlugField()
    title = serializers.CharField()
    mobility_type = serializers.CharField()
    mobility_type_label = label("mobility_type")
    is_published = serializers.BooleanField()
    state = serializers.ChoiceField(choices=["upcoming", "open", "closed"], help_text="Of the application window.")
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    places = serializers.IntegerField()
    selection_confirmed_at = serializers.DateTimeField(allow_null=True)
    applications = StatusCountsSerializer(source="status_counts", help_text="Applications in each status.")
    hosts = SelectionHostSerializer(many=True, source="host_list")


class CallRefSerializer(TranslatedSerializer):
    translated = ("title",)
    slug = serializers.SlugField()
    title = serializers.CharField()


class NominationSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="pk", help_text="The application's number.")
    call = CallRefSerializer()
    host = HostRefSerializer()
    full_name = serializers.SerializerMethodField(help_text="As the nominee wrote it, in their own script.")
    latin_name = serializers.CharField(
        source="name_in_latin", help_text="The name in Latin letters, as in the nominee's passport (may be empty)."
    )
    rank = serializers.IntegerField(
        source="selection_rank", allow_null=True, help_text="The nominee's place in the call's confirmed ranking."
    )
    email = serializers.EmailField(source="applicant.email")
    level = serializers.CharField()
    level_label = label("level")
    faculty = UnitRefSerializer(allow_null=True)
    status = serializers.CharField()
    status_label = label("status")
    mobility_starts_on = serializers.DateField(source="call.mobility_starts_on")
    mobility_ends_on = serializers.DateField(source="call.mobility_ends_on")

    def get_full_name(self, application) -> str:
        return application.applicant.full_name or application.applicant.email


class CourseSerializer(serializers.Serializer):
    host_course = serializers.CharField()
    host_credits = serializers.DecimalField(max_digits=4, decimal_places=1)
    home_course = serializers.CharField()
    home_credits = serializers.DecimalField(max_digits=4, decimal_places=1)


class MobilityPartnerSerializer(HostRefSerializer):
    hei_id = serializers.CharField()


class MobilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    participant_name = serializers.CharField()
    direction = serializers.CharField()
    direction_label = label("direction")
    partner = MobilityPartnerSerializer()
    mobility_type = serializers.CharField()
    mobility_type_label = label("mobility_type")
    home_unit = UnitRefSerializer(allow_null=True, help_text="Our faculty.")
    agreement = serializers.IntegerField(source="agreement_id", allow_null=True)
    application = serializers.IntegerField(source="application_id", allow_null=True)
    call = serializers.SlugField(source="application.call.slug", allow_null=True, default=None)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.CharField()
    status_label = label("status")
    credits = serializers.IntegerField(allow_null=True, help_text="Credits earned.")
    learning_agreement_approved_at = serializers.DateTimeField(allow_null=True)
    courses = CourseSerializer(many=True, help_text="The learning agreement: host courses and their home equivalents.")
