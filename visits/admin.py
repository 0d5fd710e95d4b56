from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from config.admin import (
    FOLDED,
    HTTPS_URLS,
    ClashLinksAdmin,
    CountryFilter,
    DownloadLinkMixin,
    FoldedInline,
    HistoryAdmin,
    PortalAdmin,
    StatusChangeMixin,
    TransitionInline,
    TranslationStatusAdmin,
    apply_to_each,
    country_column,
)
from config.i18n import localized_fields
from config.workspace import needs_attention

from . import services
from .models import (
    AgendaItem,
    CalendarFeed,
    DelegationMember,
    NewsArticle,
    Outcome,
    Photo,
    Report,
    TypoReport,
    Visit,
    VisitDocument,
    VisitTransition,
)


class MemberInline(FoldedInline, admin.TabularInline):
    model = DelegationMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "name", "role", "position")


class AgendaInline(FoldedInline, TranslationStackedInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ("met_contacts", "met_units")
    fields = (("starts_at", "ends_at", "kind"), "title", "place", ("met_contacts", "met_units"), "notes")


class OutcomeInline(FoldedInline, TranslationStackedInline):
    model = Outcome
    fk_name = "visit"
    extra = 0
    autocomplete_fields = ("owner", "agreement", "program", "project", "call", "mobility", "follow_up_visit")
    fields = (
        "description",
        ("owner", "due_on", "status"),
        ("kind", "visit_year", "visit_month"),
        ("agreement", "program", "project", "call", "mobility", "follow_up_visit"),
    )


class PhotoInline(FoldedInline, TranslationTabularInline):
    model = Photo
    extra = 0
    fields = ("image", "caption", "alt_text", "order")


class DocumentInline(FoldedInline, DownloadLinkMixin, admin.TabularInline):
    model = VisitDocument
    extra = 0
    fields = ("kind", "file", "download")
    readonly_fields = ("download",)


class VisitTransitionInline(TransitionInline):
    model = VisitTransition


class ReportInline(FoldedInline, TranslationStackedInline):
    model = Report
    extra = 0
    max_num = 1
    fields = ("body",)


class TimingFilter(admin.SimpleListFilter):
    title = _("timing")
    parameter_name = "timing"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("in_progress", _("In progress")), ("overdue", _("Report overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.upcoming()
        if self.value() == "in_progress":
            return queryset.filter(status=Visit.Status.IN_PROGRESS)
        if self.value() == "overdue":
            return queryset.report_overdue()  # the same day as the digest and the reminder
        return queryset


@admin.register(Visit)
class VisitAdmin(TranslationStatusAdmin, StatusChangeMixin, PortalAdmin):
    list_display = ("title", "direction", "period", country_column(), "status", "has_article", "translation_status")
    status_transitions = services.VISIT_TRANSITIONS
    list_filter = (
        TimingFilter,
        "direction",
        "status",
        CountryFilter,
        ("partners", admin.RelatedOnlyFieldListFilter),
        ("starts_on", admin.DateFieldListFilter),
    )
    search_fields = (*localized_fields("title"), "partners__search_text")
    autocomplete_fields = ("partners", "home_units", "partner_units")
    fixed_choices = ("time_zone",)
    date_hierarchy = "starts_on"
    inlines = [
        MemberInline,
        AgendaInline,
        OutcomeInline,
        ReportInline,
        PhotoInline,
        DocumentInline,
        VisitTransitionInline,
    ]
    # The status changes only through the "Change status…" action, which checks the rules and records it.
    readonly_fields = ("status",)
    actions = ["change_status", "plan_follow_up"]
    formfield_overrides = HTTPS_URLS
    fieldsets = (
        (None, {"fields": ("title", "direction", "status", "partners", "purpose")}),
        (
            _("Where and when"),
            {"fields": (("city", "country"), "time_zone", "precision", ("starts_on", "ends_on"))},
        ),
        (_("Units"), {"classes": FOLDED, "fields": ("home_units", "partner_units")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .annotate(article_out=Exists(NewsArticle.objects.published().filter(visit=OuterRef("pk"))))
        )

    @admin.display(description=_("dates"), ordering="starts_on")
    def period(self, visit):
        return visit.period

    @admin.display(description=_("article"), boolean=True)
    def has_article(self, visit):
        return visit.article_out  # published and its publish date has come, as on the news page

    def get_urls(self):
        return [
            path("<int:pk>/programme/", self.admin_site.admin_view(self.programme), name="visits_visit_programme"),
            *super().get_urls(),
        ]

    def programme(self, request, pk):
        """The visit programme on one printable page, for the delegation."""
        visit = get_object_or_404(self.get_queryset(request).prefetch_related("agenda", "members__user"), pk=pk)
        if not self.has_view_permission(request, visit):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/visits/visit/programme.html",
            {
                **self.admin_site.each_context(request),
                "visit": visit,
                "opts": self.model._meta,
                "title": _("Visit programme"),
            },
        )

    def get_object(self, request, object_id, from_field=None):
        # change_view reads the visit for its time zone before Django's view reads it: once a request.
        key = (object_id, from_field)
        loaded = getattr(request, "loaded_visit", None)
        if loaded is None or loaded[0] != key:
            loaded = request.loaded_visit = (key, super().get_object(request, object_id, from_field))
        return loaded[1]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        visit = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), **self.article_link(visit)}
        if visit:
            extra_context["programme_url"] = reverse("admin:visits_visit_programme", args=[visit.pk])
        # Programme times are typed and read in the local time of the place where the visit happens.
        with timezone.override(visit.zone if visit else timezone.get_current_timezone()):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # inside the visit's time zone, not after this view returns
            return response

    def article_link(self, visit):
        """The visit's news article, or the form that starts it for this visit: the article's own page."""
        if visit is None:
            return {}
        article = getattr(visit, "article", None)  # loaded with the visit
        if article:
            return {"article_url": reverse("admin:visits_newsarticle_change", args=[article.pk]), "has_article": True}
        return {"article_url": f"{reverse('admin:visits_newsarticle_add')}?visit={visit.pk}", "has_article": False}

    def apply_status(self, visit, *, by, data):
        services.change_visit_status(visit, to=data["to"], by=by, comment=data["comment"])

    def changed_message(self, count):
        return ngettext(
            "The status of %(count)d visit was changed.", "The status of %(count)d visits was changed.", count
        ) % {"count": count}

    @admin.action(description=_("Plan the follow-up visits their outcomes promise…"), permissions=["change"])
    def plan_follow_up(self, request, queryset):
        """First a page listing the visits that would be created; they are created only once it is confirmed."""
        if "apply" in request.POST:
            planned = services.plan_follow_up_visits(queryset, by=request.user)
            self.message_user(
                request,
                ngettext("%(count)d visit was planned.", "%(count)d visits were planned.", planned)
                % {"count": planned},
            )
            return None
        return TemplateResponse(
            request,
            "admin/visits/visit/plan_follow_up.html",
            {
                **self.admin_site.each_context(request),
                "objects": queryset,
                "plan": services.preview_follow_up_visits(queryset),
                "opts": self.model._meta,
                "title": _("Plan the follow-up visits"),
            },
        )


@admin.register(NewsArticle)
class NewsArticleAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("title", "visit", "published_at", "is_published", "translation_status")
    list_filter = ("is_published",)
    search_fields = localized_fields("title")
    autocomplete_fields = ("visit",)
    prepopulated_fields = {"slug": ("title_en",)}
    actions = ["publish", "unpublish"]
    list_select_related = ("visit",)

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        count = apply_to_each(self, request, queryset, lambda article, by: services.publish_article(article))
        self.message_user(
            request,
            ngettext("%(count)d article was published.", "%(count)d articles were published.", count)
            % {"count": count},
        )

    @admin.action(description=_("Withdraw the selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.withdraw_articles(queryset)
        self.message_user(
            request,
            ngettext("%(count)d article was withdrawn.", "%(count)d articles were withdrawn.", count)
            % {"count": count},
        )


@admin.register(Outcome)
class OutcomeAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("__str__", "visit", "kind", "owner", "due_on", "status", "translation_status")
    search_fields = localized_fields("description")
    autocomplete_fields = ("visit", "owner", "agreement", "program", "project", "call", "mobility", "follow_up_visit")
    list_select_related = ("visit", "owner")
    list_filter = ("status", "kind", "due_on")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ClashLinksAdmin, admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__email",)
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request):
        return False  # feeds are made by their owners (visits:calendar_settings)


@admin.register(TypoReport)
class TypoReportAdmin(HistoryAdmin):
    list_display = ("selection_excerpt", "url", "language", "created_at", "status")
    list_filter = ("status", "language")
    search_fields = ("selection", "comment", "url")
    readonly_fields = ("url", "language", "selection", "context", "comment", "created_at")
    actions = ["close"]

    @admin.display(description=_("selected text"))
    def selection_excerpt(self, report):
        return str(report)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Close the selected reports"), permissions=["change"])
    def close(self, request, queryset):
        count = services.close_typo_reports(queryset)
        self.message_user(
            request,
            ngettext("%(count)d report was closed.", "%(count)d reports were closed.", count) % {"count": count},
        )


# ---------------------------------------------------------------- what needs attention, on the admin index

needs_attention(
    "visits",
    Visit,
    query="timing=upcoming",
    label=lambda n: ngettext("%(count)d visit is coming", "%(count)d visits are coming", n) % {"count": n},
    records=lambda visits: visits.upcoming(),
)
needs_attention(
    "visits",
    Visit,
    query="timing=overdue",
    label=lambda n: (
        ngettext("%(count)d visit report is overdue", "%(count)d visit reports are overdue", n) % {"count": n}
    ),
    records=lambda visits: visits.report_overdue(),
)
