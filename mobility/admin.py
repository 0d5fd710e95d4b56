from django import forms
from django.contrib import admin
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationTabularInline

from config.admin import (
    FOLDED,
    DownloadLinkMixin,
    ExportFilters,
    FoldedInline,
    HistoryAdmin,
    PortalAdmin,
    StatusChangeMixin,
    TransitionInline,
    TranslationStatusAdmin,
    apply_to_each,
    country_filter,
)
from config.i18n import localized_fields
from config.spreadsheets import ExportForm, SafeResource
from config.text import list_separator
from config.workspace import needs_attention

from . import services
from .models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    CallHost,
    ExchangeCall,
    HostChoice,
    LearningAgreementCourse,
    Mobility,
    PriorityCategory,
    Review,
    Score,
    SelectionCriterion,
)


class CriteriaFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        SelectionCriterion.validate_weights(
            [
                form.cleaned_data["weight"]
                for form in self.forms
                if form.cleaned_data.get("weight") and not form.cleaned_data.get("DELETE")
            ]
        )


class CriterionInline(FoldedInline, TranslationTabularInline):
    model = SelectionCriterion
    formset = CriteriaFormSet
    extra = 0


class CallHostInline(FoldedInline, admin.TabularInline):
    model = CallHost
    extra = 0
    min_num = 1
    autocomplete_fields = ("partner",)


class ExchangeCallForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("who may apply"), choices=ExchangeCall.Level.choices, widget=forms.CheckboxSelectMultiple
    )
    document_kinds = forms.MultipleChoiceField(
        label=_("required documents"),
        choices=ApplicationDocument.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ExchangeCall
        fields = ["levels", "document_kinds"]  # the admin adds the rest from its fieldsets


COUNTED_STATUSES = [status for status in Application.Status if status != Application.Status.WITHDRAWN]


@admin.register(ExchangeCall)
class ExchangeCallAdmin(TranslationStatusAdmin, PortalAdmin):
    form = ExchangeCallForm
    list_display = (
        "title",
        "mobility_type",
        "places",
        "closes_at",
        "is_published",
        "application_counts",
        "ranking",
        "translation_status",
    )
    list_filter = ("is_published", "mobility_type", "funding", ("partners", admin.RelatedOnlyFieldListFilter))
    search_fields = (*localized_fields("title"), "partners__search_text")
    autocomplete_fields = ("agreements", "faculties", "reviewers")
    filter_horizontal = ("conditions", "priority_categories")
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "closes_at"
    readonly_fields = ("closed_early_at", "closed_early_by")  # set by "Close applications now" on the ranking page
    inlines = [CallHostInline, CriterionInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "mobility_type", "is_published")}),
        (_("Who and where"), {"fields": ("levels", "faculties", "agreements", "conditions")}),
        (
            _("Places and dates"),
            {
                "fields": (
                    "funding",
                    "places",
                    ("opens_at", "closes_at"),
                    ("closed_early_at", "closed_early_by"),
                    ("mobility_starts_on", "mobility_ends_on"),
                )
            },
        ),
        (
            _("Eligibility"),
            {
                "classes": FOLDED,
                "fields": (
                    ("min_gpa", "min_credits"),
                    ("min_language_level", "min_year_of_study"),
                    "no_academic_debts",
                    "priority_categories",
                    "document_kinds",
                ),
            },
        ),
        (_("Selection"), {"classes": FOLDED, "fields": ("reviewers", "has_second_stage", "second_stage")}),
    )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "conditions" in form.base_fields:
            # The places come from the conditions of the call's own agreements, not from every agreement's.
            field = form.base_fields["conditions"]
            field.queryset = field.queryset.filter(
                Q(agreement__in=obj.agreements.all()) | Q(calls=obj) if obj else Q(pk__in=[])
            ).distinct()
            field.help_text = _("The conditions of the call's agreements: save the call with its agreements first.")
        return form

    def get_queryset(self, request):
        # One indexed count per status inside the list's own query: the column costs no query per row, and
        # only the calls on the page are counted.
        counts = {
            f"count_{status}": Coalesce(
                Subquery(
                    Application.objects.filter(call=OuterRef("pk"), status=status)
                    .order_by()
                    .values("call")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                0,
            )
            for status in COUNTED_STATUSES
        }
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description=_("ranking"))
    def ranking(self, call):
        return format_html('<a href="{}">{}</a>', reverse("mobility:review_call", args=[call.slug]), _("Ranking"))

    @admin.display(description=_("applications"))
    def application_counts(self, call):
        url = reverse("admin:mobility_application_changelist")
        parts = [
            (f"{url}?call__id__exact={call.pk}&status__exact={status}", status.label, getattr(call, f"count_{status}"))
            for status in COUNTED_STATUSES
            if getattr(call, f"count_{status}", 0)
        ]
        if not parts:
            return "—"
        return format_html_join(list_separator(), '<a href="{}">{}: {}</a>', parts)


class HostChoiceInline(FoldedInline, admin.TabularInline):
    model = HostChoice
    extra = 0
    autocomplete_fields = ("partner",)


class ApplicationDocumentInline(FoldedInline, DownloadLinkMixin, admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ("kind", "original_name", "size", "download", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # documents are uploaded by the applicant and checked by content there


class ApplicationTransitionInline(TransitionInline):
    model = ApplicationTransition


class ReviewInline(FoldedInline, admin.TabularInline):
    model = Review
    extra = 0
    fields = ("reviewer", "comment", "updated_at")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationResource(SafeResource):
    call = fields.Field(attribute="call__title", column_name=_("exchange call"))
    applicant = fields.Field(attribute="applicant__full_name", column_name=_("applicant"))
    email = fields.Field(attribute="applicant__email", column_name=_("email"))
    faculty = fields.Field(attribute="faculty__name", column_name=_("faculty"))
    host = fields.Field(attribute="host__name", column_name=_("nominated to"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))

    class Meta:
        model = Application
        fields = (
            "id",
            "call",
            "applicant",
            "email",
            "status",
            "level",
            "faculty",
            "gpa",
            "credits",
            "language_level",
            "year_of_study",
            "host",
            "waitlist_position",
            "submitted_at",
        )
        export_order = fields

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("call", "applicant", "faculty", "host")


@admin.register(Application)
class ApplicationAdmin(StatusChangeMixin, ExportFilters, ExportMixin, HistoryAdmin):
    resource_classes = [ApplicationResource]
    export_form_class = ExportForm
    list_display = ("applicant", "call", "status", "faculty", "gpa", "host", "waitlist_position", "submitted_at")
    list_filter = ("status", "call", "faculty", "level")
    list_select_related = ("applicant", "call", "faculty", "host")
    search_fields = ("applicant__full_name", "applicant__email", *localized_fields("call__title"))
    autocomplete_fields = ("faculty",)
    readonly_fields = (
        "call",
        "applicant",
        "status",
        "host",
        "waitlist_position",
        "selection_rank",
        "submitted_at",
        "created_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("call", "applicant"),
                    "latin_name",
                    ("status", "host", "waitlist_position", "selection_rank"),
                )
            },
        ),
        (
            _("Eligibility"),
            {
                "classes": FOLDED,
                "fields": (
                    ("level", "faculty"),
                    ("gpa", "credits", "year_of_study"),
                    ("language_level", "has_academic_debts", "priority_category"),
                ),
            },
        ),
        (_("Motivation and contact"), {"classes": FOLDED, "fields": ("phone", "motivation")}),
        (_("Record"), {"classes": FOLDED, "fields": (("submitted_at", "created_at"),)}),
    )
    inlines = [HostChoiceInline, ApplicationDocumentInline, ReviewInline, ApplicationTransitionInline]
    actions = ["change_status", "create_mobilities"]
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request):
        return False  # applications are made by applicants on the portal

    # Drafts and submissions are the applicant's own steps, not the office's.
    status_choices = [
        (value, label) for value, label in Application.Status.choices if value not in {"draft", "submitted"}
    ]
    status_transitions = services.APPLICATION_TRANSITIONS

    def apply_status(self, obj, *, by, data):
        services.change_application_status(obj, to=data["to"], by=by, comment=data["comment"])

    def changed_message(self, count):
        return ngettext("%(count)d application changed status.", "%(count)d applications changed status.", count) % {
            "count": count
        }

    @admin.action(description=_("Record the mobility of accepted applicants"), permissions=["change"])
    def create_mobilities(self, request, queryset):
        created = apply_to_each(
            self, request, queryset.select_related("call", "applicant", "faculty"), services.create_mobility
        )
        if created:
            self.message_user(
                request,
                ngettext("%(count)d mobility recorded.", "%(count)d mobilities recorded.", created)
                % {"count": created},
            )


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ("criterion", "points")
    readonly_fields = ("criterion",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(HistoryAdmin):
    list_display = ("application", "reviewer", "updated_at")
    list_filter = ("application__call",)
    list_select_related = ("application__applicant", "application__call", "reviewer")
    search_fields = ("application__applicant__full_name", "reviewer__full_name")
    readonly_fields = ("application", "reviewer")
    fields = ("application", "reviewer", "comment")
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False  # reviewers score on the selection pages


class CourseInline(FoldedInline, admin.TabularInline):
    model = LearningAgreementCourse
    extra = 1


class MobilityResource(SafeResource):
    partner = fields.Field(attribute="partner__name", column_name=_("partner university"))
    direction = fields.Field(attribute="get_direction_display", column_name=_("direction"))
    status = fields.Field(attribute="get_status_display", column_name=_("status"))
    mobility_type = fields.Field(attribute="get_mobility_type_display", column_name=_("mobility type"))

    class Meta:
        model = Mobility
        fields = ("id", "participant_name", "email", "direction", "partner", "mobility_type", "starts_on", "ends_on")
        fields += ("status", "credits")
        export_order = fields

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).select_related("partner")


@admin.register(Mobility)
class MobilityAdmin(ExportFilters, ExportMixin, HistoryAdmin):
    resource_classes = [MobilityResource]
    export_form_class = ExportForm
    list_display = ("participant_name", "direction", "partner", "mobility_type", "starts_on", "ends_on", "status")
    list_filter = (
        "direction",
        "status",
        "mobility_type",
        country_filter("partner__country", parameter_name="partner__country__exact"),  # the dashboard's links
        ("partner", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("partner",)
    search_fields = ("participant_name", "email", "partner__search_text")

    def lookup_allowed(self, lookup, value, request=None):
        # The country filter's own parameter, which the admin checks as if it were a lookup through the partner.
        return lookup == "partner__country__exact" or super().lookup_allowed(lookup, value, request)

    autocomplete_fields = ("partner", "home_unit", "agreement", "participant")
    readonly_fields = ("application", "learning_agreement_approved_by", "learning_agreement_approved_at")
    date_hierarchy = "starts_on"
    inlines = [CourseInline]
    actions = ["approve_learning_agreements"]
    fieldsets = (
        (None, {"fields": ("participant_name", "participant", "email", "direction", "partner", "mobility_type")}),
        (_("Where and when"), {"fields": (("starts_on", "ends_on"), "status", "home_unit", "agreement")}),
        (
            _("Results"),
            {
                "fields": (
                    "credits",
                    "final_report",
                    ("learning_agreement_approved_by", "learning_agreement_approved_at"),
                    "application",
                )
            },
        ),
    )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is LearningAgreementCourse and formset.has_changed():
            services.withdraw_learning_agreement_approval(form.instance)

    @admin.action(description=_("Approve the learning agreement"), permissions=["change"])
    def approve_learning_agreements(self, request, queryset):
        approved = apply_to_each(self, request, queryset, services.approve_learning_agreement)
        if approved:
            self.message_user(
                request,
                ngettext("%(count)d learning agreement approved.", "%(count)d learning agreements approved.", approved)
                % {"count": approved},
            )


@admin.register(PriorityCategory)
class PriorityCategoryAdmin(TranslationStatusAdmin, PortalAdmin):
    search_fields = localized_fields("name")


# ---------------------------------------------------------------- what needs attention, on the admin index

needs_attention(
    "mobility",
    Application,
    query=f"status__exact={Application.Status.SUBMITTED}",
    label=lambda n: (
        ngettext("%(count)d application awaits review", "%(count)d applications await review", n) % {"count": n}
    ),
    records=lambda applications: applications.filter(status=Application.Status.SUBMITTED),
)
