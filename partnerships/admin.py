from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from accounts.roles import is_office
from config.admin import (
    FOLDED,
    HTTPS_URLS,
    CountryFilter,
    DownloadLinkMixin,
    ExportFilters,
    FoldedInline,
    OccurringRelatedFilter,
    PortalAdmin,
    StatusChangeForm,
    StatusChangeMixin,
    TransitionInline,
    TranslationStatusAdmin,
    country_column,
    country_filter,
)
from config.i18n import localized_fields
from config.list_exports import export_values
from config.spreadsheets import ExportForm, SafeResource
from config.text import join_list
from config.translations import may_translate
from config.workspace import needs_attention

from . import services
from .forms import ConditionForm
from .models import (
    Agreement,
    AgreementDocument,
    AgreementTransition,
    Campus,
    Contact,
    CooperationCondition,
    IscedField,
    JointProgram,
    Partner,
    PartnerDomain,
    ResearchOutput,
    ResearchProject,
    Unit,
)

# ---------------------------------------------------------------- partners


class PartnerResource(SafeResource):
    class Meta:
        model = Partner
        fields = (
            "id",
            "slug",
            *localized_fields("name"),
            "short_name_en",
            "other_names",
            "city_en",
            "region",
            "country",
            "kind",
            "status",
            "website",
            "ror_id",
            "erasmus_code",
            "hei_id",
            "is_public",
        )
        import_id_fields = ("slug",)
        clean_model_instances = True  # each row is validated like a form; errors are shown per row
        skip_unchanged = True
        report_skipped = True


class MergePartnersForm(forms.Form):
    kept = forms.ModelChoiceField(
        label=_("Partner to keep"),
        queryset=Partner.objects.none(),
        widget=forms.RadioSelect,
        help_text=_(
            "The others are merged into it: their agreements, units, contacts, visits, calls and mobilities move to "
            "it, their names become its former names, and they are deleted."
        ),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].queryset = Partner.objects.filter(pk__in=[partner.pk for partner in partners])
        self.fields["kept"].label_from_instance = lambda partner: (
            _("%(name)s (%(country)s, %(city)s)")
            % {
                "name": partner.name,
                "country": partner.country.name,
                "city": partner.city or "—",
            }
        )


class DomainInline(FoldedInline, admin.TabularInline):
    model = PartnerDomain
    extra = 1
    fields = ("domain",)


class CampusInline(FoldedInline, TranslationTabularInline):
    model = Campus
    extra = 0
    fields = ("name", "city", "address")


class UnitInline(FoldedInline, TranslationTabularInline):
    model = Unit
    fk_name = "partner"
    fields = ("name", "short_name", "code", "kind", "parent", "campus")
    autocomplete_fields = ("parent",)
    extra = 0


class ContactInline(FoldedInline, TranslationStackedInline):
    model = Contact
    autocomplete_fields = ("unit",)
    fields = (("name", "latin_name"), "position", "unit", ("email", "phone"), "is_primary")
    extra = 0


@admin.register(Partner)
class PartnerAdmin(TranslationStatusAdmin, ExportFilters, ImportExportMixin, PortalAdmin):
    resource_classes = [PartnerResource]
    export_form_class = ExportForm
    list_display = (
        "name",
        "short_name",
        country_column(),
        "kind",
        "status",
        "is_public",
        "agreement_count",
        "translation_status",
    )
    list_filter = ("status", "kind", "is_public", CountryFilter)
    search_fields = ("search_text",)
    readonly_fields = ("created_at", "updated_at")
    autocomplete_fields = ("predecessors",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [DomainInline, CampusInline, UnitInline, ContactInline]
    actions = ["merge"]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "other_names", "kind", "status", "is_public", "slug")}),
        (_("Place"), {"fields": ("country", "region", "city")}),
        (_("About"), {"classes": FOLDED, "fields": ("description", "website", "language", "logo")}),
        (_("Identifiers"), {"classes": FOLDED, "fields": ("ror_id", "erasmus_code", "hei_id", "predecessors")}),
        (_("Record"), {"classes": FOLDED, "fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        # A subquery, counted only for the rows on the page, instead of grouping every partner.
        links = Agreement.partners.through.objects.filter(partner=OuterRef("pk"))
        total = links.order_by().values("partner").annotate(n=Count("*")).values("n")
        return super().get_queryset(request).annotate(agreements_total=Coalesce(Subquery(total), 0))

    @admin.display(description=_("agreements"), ordering="agreements_total")
    def agreement_count(self, partner):
        return partner.agreements_total

    @admin.action(description=_("Merge duplicates…"), permissions=["change", "delete"])
    def merge(self, request, queryset):
        partners = list(queryset.order_by("pk").prefetch_related("domains"))
        if len(partners) < 2:
            self.message_user(request, _("Select at least two partners to merge."), messages.ERROR)
            return None
        form = MergePartnersForm(request.POST if "apply" in request.POST else None, partners=partners)
        if form.is_valid():
            kept = form.cleaned_data["kept"]
            others = [partner for partner in partners if partner.pk != kept.pk]
            try:
                services.merge_partners(kept, others, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "%(count)d partner was merged into «%(partner)s».",
                    "%(count)d partners were merged into «%(partner)s».",
                    len(others),
                )
                % {"count": len(others), "partner": kept.name},
            )
            return None
        return TemplateResponse(
            request,
            "admin/partnerships/partner/merge.html",
            {
                **self.admin_site.each_context(request),
                "partners": partners,
                "form": form,
                "opts": self.model._meta,
                "title": _("Merge duplicates…"),
            },
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        partner = form.instance
        services.refresh_search_text([partner])
        if not change:
            self.warn_about_duplicates(request, partner)

    def warn_about_duplicates(self, request, partner):
        partner.refresh_from_db()
        duplicates = list(Partner.objects.similar_to(partner)[:5])
        if duplicates:
            links = format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((reverse("admin:partnerships_partner_change", args=[d.pk]), d.name) for d in duplicates),
            )
            messages.warning(
                request,
                format_html("{} {}", _("This partner may already exist; please check and merge if it does:"), links),
            )


class HomeOrPartnerFilter(admin.SimpleListFilter):
    title = _("institution")
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return [("home", _("Our university")), ("partner", _("Partners"))]

    def queryset(self, request, queryset):
        if self.value() == "home":
            return queryset.filter(partner__isnull=True)
        if self.value() == "partner":
            return queryset.filter(partner__isnull=False)
        return queryset


@admin.register(Unit)
class UnitAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("name", "kind", "partner", "parent", "translation_status")
    list_filter = (HomeOrPartnerFilter, "kind")
    search_fields = ("name", *localized_fields("name"), "short_name")
    autocomplete_fields = ("partner", "parent", "campus")
    list_select_related = ("partner", "parent__partner")

    def get_queryset(self, request):
        # Every unit is shown with its institution, in lists and autocompletes alike.
        return super().get_queryset(request).select_related("partner")


@admin.register(Campus)
class CampusAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("name", "partner", "city", "translation_status")
    list_filter = (HomeOrPartnerFilter,)
    search_fields = ("name", *localized_fields("name"))
    autocomplete_fields = ("partner",)
    list_select_related = ("partner",)


@admin.register(Contact)
class ContactAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("name", "latin_name", "position", "partner", "email", "is_primary", "translation_status")
    list_filter = ("is_primary",)
    search_fields = ("name", "latin_name", "email", "partner__search_text")
    autocomplete_fields = ("partner", "unit")
    list_select_related = ("partner",)


@admin.register(IscedField)
class IscedFieldAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("code", "name", "translation_status")
    search_fields = ("code", *localized_fields("name"))


# ---------------------------------------------------------------- agreements


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            *(
                (
                    str(days),
                    ngettext("Expiring within %(days)d day", "Expiring within %(days)d days", days) % {"days": days},
                )
                for days in Agreement.EXPIRY_WINDOWS
            ),
            ("expired", _("Past their end date")),
            ("open", _("Open-ended")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        windows = {str(days): days for days in Agreement.EXPIRY_WINDOWS}
        if self.value() in windows:
            return queryset.expiring_within(windows[self.value()], today)
        if self.value() == "expired":
            return queryset.filter(valid_until__lt=today)
        if self.value() == "open":
            return queryset.filter(valid_until__isnull=True)
        return queryset


class AgreementResource(SafeResource):
    class Meta:
        model = Agreement
        fields = (
            "id",
            "reference_number",
            "kind",
            *localized_fields("title"),
            "partners",
            "signed_on",
            "valid_from",
            "valid_until",
            "auto_renewal",
            "renewal_notice_days",
            "home_signatory",
            "partner_signatory",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ConditionInline(FoldedInline, TranslationStackedInline):
    model = CooperationCondition
    form = ConditionForm
    extra = 0
    autocomplete_fields = ("sending_partner", "sending_unit", "receiving_partner", "receiving_unit")
    filter_horizontal = ("fields_of_education",)
    fieldsets = (
        (None, {"fields": ("mobility_type", ("academic_year_from", "academic_year_to"))}),
        (_("Direction"), {"fields": (("sending_partner", "sending_unit"), ("receiving_partner", "receiving_unit"))}),
        (
            _("Places and terms"),
            {
                "fields": (
                    ("places_per_year", "total_months_per_year", "total_days_per_year"),
                    "fields_of_education",
                    "eqf_levels",
                    ("language", "cefr_level", "is_blended"),
                    "other_terms",
                )
            },
        ),
    )


class DocumentInline(FoldedInline, DownloadLinkMixin, admin.TabularInline):
    model = AgreementDocument
    extra = 0
    fields = ("kind", "language", "file", "download", "uploaded_at")
    readonly_fields = ("download", "uploaded_at")


class AgreementTransitionInline(TransitionInline):
    model = AgreementTransition


class AgreementStatusChangeForm(StatusChangeForm):
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        help_text=_("Needed when an agreement becomes active."),
        widget=AdminDateWidget,
    )


class CoordinatorScopedAdmin(PortalAdmin):
    """Office staff see everything; a faculty member sees and edits only what they coordinate."""

    coordinator_field = "coordinator"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_office(request.user) or may_translate(request.user, self.model):  # translators see every record
            return queryset
        return queryset.filter(**{self.coordinator_field: request.user})

    def has_change_permission(self, request, obj=None):
        if obj is None or is_office(request.user):
            return super().has_change_permission(request, obj)
        return super().has_change_permission(request, obj) and getattr(obj, f"{self.coordinator_field}_id") == (
            request.user.pk
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if is_office(request.user):
            return readonly
        return (*readonly, self.coordinator_field)


@admin.register(Agreement)
class AgreementAdmin(
    TranslationStatusAdmin, StatusChangeMixin, ExportFilters, ImportExportMixin, CoordinatorScopedAdmin
):
    status_form = AgreementStatusChangeForm
    status_transitions = services.AGREEMENT_TRANSITIONS
    resource_classes = [AgreementResource]
    export_form_class = ExportForm
    list_display = ("title", "kind", "partner_names", "status", "valid_until", "coordinator", "translation_status")
    list_filter = (
        ExpiryFilter,
        "status",
        "kind",
        ("coordinator", OccurringRelatedFilter),
        country_filter("partners__country"),
    )
    # 100,000 agreements: the newest first by an index (partnerships.0016), and no second count of all of them.
    ordering = ("-valid_from", "-pk")
    show_full_result_count = False
    search_fields = (*localized_fields("title"), "reference_number", "partners__search_text")
    autocomplete_fields = ("partners", "partner_units", "home_unit", "coordinator", "partner_signing_contact")
    list_select_related = ("coordinator",)
    readonly_fields = ("status",)
    inlines = [ConditionInline, DocumentInline, AgreementTransitionInline]
    actions = ["change_status"]
    fieldsets = (
        (None, {"fields": ("title", "kind", "reference_number", "status", "partners")}),
        (_("Responsibility"), {"fields": ("home_unit", "partner_units", "coordinator")}),
        (
            _("Validity"),
            {"fields": ("signed_on", ("valid_from", "valid_until"), ("auto_renewal", "renewal_notice_days"))},
        ),
        (
            _("Signatories"),
            {"classes": FOLDED, "fields": ("home_signatory", "partner_signatory", "partner_signing_contact")},
        ),
        (None, {"fields": ("notes",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("partners")

    @admin.display(description=_("partners"))
    @export_values(lambda model_admin, agreements: model_admin.partner_names_of(agreements))
    def partner_names(self, agreement):
        return join_list(partner.short_name or partner.name for partner in agreement.partners.all())

    def partner_names_of(self, agreements):
        """The partners column of an export, for a chunk of agreements in one query of names (no partner rows)."""
        names = {}
        partners = Partner.objects.filter(agreements__in=agreements).order_by("name", "pk")  # as the list, ties by id
        rows = partners.values_list("agreements", "short_name", "name")
        for agreement, short_name, name in rows:
            names.setdefault(agreement, []).append(short_name or name)
        return {pk: join_list(partners) for pk, partners in names.items()}

    def apply_status(self, agreement, *, by, data):
        services.change_agreement_status(
            agreement, to=data["to"], by=by, comment=data["comment"], signed_on=data["signed_on"]
        )

    def changed_message(self, count):
        return ngettext(
            "The status of %(count)d agreement was changed.", "The status of %(count)d agreements was changed.", count
        ) % {"count": count}


@admin.register(JointProgram)
class JointProgramAdmin(TranslationStatusAdmin, CoordinatorScopedAdmin):
    coordinator_field = "home_coordinator"
    list_display = ("title", "kind", "level", "status", "home_coordinator", "is_public", "translation_status")
    list_filter = ("status", "kind", "level", "is_public")
    search_fields = (*localized_fields("title"), "partners__search_text")
    autocomplete_fields = ("partners", "field", "home_coordinator", "partner_coordinator", "agreement")
    prepopulated_fields = {"slug": ("title_en",)}
    list_select_related = ("home_coordinator",)


class OutputInline(FoldedInline, admin.TabularInline):
    model = ResearchOutput
    extra = 0
    formfield_overrides = HTTPS_URLS


@admin.register(ResearchProject)
class ResearchProjectAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("title", "acronym", "status", "starts_on", "ends_on", "translation_status")
    list_filter = ("status",)
    search_fields = (*localized_fields("title"), "acronym", "partners__search_text")
    autocomplete_fields = ("partners", "investigators", "partner_investigators")
    inlines = [OutputInline]


# ---------------------------------------------------------------- what needs attention, on the admin index

needs_attention(
    "partners",
    Agreement,
    query="expiry=90",
    label=lambda n: (
        ngettext("%(count)d agreement expires within 90 days", "%(count)d agreements expire within 90 days", n)
        % {"count": n}
    ),
    records=lambda agreements: agreements.expiring_within(90),
)
needs_attention(
    "partners",
    Agreement,
    query=f"status__exact={Agreement.Status.AWAITING_SIGNATURE}",
    label=lambda n: (
        ngettext("%(count)d agreement awaits signature", "%(count)d agreements await signature", n) % {"count": n}
    ),
    records=lambda agreements: agreements.filter(status=Agreement.Status.AWAITING_SIGNATURE),
)
