from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin import HistoryAdmin
from config.text import join_list
from partnerships.models import Agreement

from . import health, services
from .forms import AnnualReportForm
from .models import AgreementHealth, RenewalReview
from .permissions import may_decide_renewal, may_read_annual_report, may_read_health


@admin.register(RenewalReview)
class RenewalReviewAdmin(HistoryAdmin):
    list_display = ("agreement", "owner", "due_on", "status", "health_link")
    list_filter = ("status", "due_on", ("owner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("agreement", "owner")
    search_fields = ("agreement__title", "agreement__reference_number", "owner__email", "owner__full_name")
    autocomplete_fields = ("agreement", "owner")

    @admin.display(description=_("health"))
    def health_link(self, review):
        return format_html('<a href="{}">{}</a>', health.health_url(review.agreement), _("What it promised and did"))


@admin.register(AgreementHealth)
class AgreementHealthAdmin(admin.ModelAdmin):
    """The agreements ending within the horizon that are under-used or unused, with their renewal actions."""

    list_display = ("title", "partner_names", "valid_until", "state", "review", "health_link")
    list_display_links = None
    actions = ["open_reviews", "mark_dormant"]
    search_fields = ("title", "reference_number")

    def get_queryset(self, request):
        """The agreements to review, each annotated with its use (`health_state`), computed once per request."""
        queryset = super().get_queryset(request)
        states = {found.agreement.pk: found.state for found in health.to_review(queryset)}
        by_state = [
            When(pk__in=[pk for pk, found in states.items() if found == state], then=Value(state))
            for state in set(states.values())
        ]
        return (
            queryset.filter(pk__in=list(states))
            .annotate(health_state=Case(*by_state, default=Value(""), output_field=CharField()))
            .prefetch_related("partners", "renewal_reviews__owner")
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the agreement itself is changed on its own page; here only the renewal actions

    def get_urls(self):
        return [
            path(
                "<int:pk>/health/",
                self.admin_site.admin_view(self.health_view),
                name="insights_agreementhealth_health",
            ),
            path(
                "annual-report/",
                self.admin_site.admin_view(self.annual_report_view),
                name="insights_annual_report",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("partners"))
    def partner_names(self, agreement):
        return join_list(str(partner) for partner in agreement.partners.all())

    @admin.display(description=_("use"), ordering="health_state")
    def state(self, agreement):
        if not getattr(agreement, "health_state", ""):
            return "—"
        return format_html(
            '<span class="health-{}">{}</span>', agreement.health_state, health.LABELS[agreement.health_state]
        )

    @admin.display(description=_("renewal review"))
    def review(self, agreement):
        reviews = [review for review in agreement.renewal_reviews.all() if review.status == RenewalReview.Status.OPEN]
        if reviews:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:insights_renewalreview_change", args=[reviews[0].pk]),
                _("Open, owned by %(owner)s") % {"owner": reviews[0].owner},
            )
        return "—"

    @admin.display(description=_("health"))
    def health_link(self, agreement):
        return format_html('<a href="{}">{}</a>', health.health_url(agreement), _("What it promised and did"))

    @admin.action(description=_("Open a renewal review of the selected agreements"), permissions=["view"])
    def open_reviews(self, request, queryset):
        if not may_decide_renewal(request.user):
            raise PermissionDenied
        opened = sum(services.open_renewal_review(agreement, by=request.user)[1] for agreement in queryset)
        if not opened:
            self.message_user(
                request, _("The selected agreements already have open renewal reviews."), messages.WARNING
            )
            return
        self.message_user(
            request,
            ngettext("%(count)d renewal review was opened.", "%(count)d renewal reviews were opened.", opened)
            % {"count": opened},
        )

    @admin.action(description=_("Mark the partners of the selected agreements dormant"), permissions=["view"])
    def mark_dormant(self, request, queryset):
        if not may_decide_renewal(request.user):
            raise PermissionDenied
        changed = sum(services.mark_partners_dormant(agreement, by=request.user) for agreement in queryset)
        self._dormant_message(request, changed)

    def _dormant_message(self, request, changed):
        if not changed:
            self.message_user(request, _("The partners are already dormant; nothing changed."), messages.WARNING)
            return
        self.message_user(
            request,
            ngettext("%(count)d partner was marked dormant.", "%(count)d partners were marked dormant.", changed)
            % {"count": changed},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An agreement of this list is read on its health page and changed on its own page.
        return redirect(health.health_url(get_object_or_404(Agreement, pk=object_id)))

    def history_view(self, request, object_id, extra_context=None):
        return redirect(reverse("admin:partnerships_agreement_history", args=[object_id]))

    def annual_report_view(self, request):
        """The form choosing the academic year, language and format; a filled form queues the report, which is
        then written in the background and kept on the reader's exports page."""
        if not may_read_annual_report(request.user):
            raise PermissionDenied
        form = AnnualReportForm(request.POST or None)
        if form.is_valid():
            job = services.queue_annual_report(
                year=form.cleaned_data["year"],
                language=form.cleaned_data["language"],
                fmt=form.cleaned_data["format"],
                by=request.user,
            )
            if job.enqueued_at is None:
                self.message_user(
                    request,
                    _(
                        "The task queue cannot be reached just now. The report is kept in your exports and is "
                        "written by itself as soon as the queue is back."
                    ),
                    messages.WARNING,
                )
            else:
                self.message_user(request, _("The report is being written: it will be ready below."))
            return redirect("admin:config_exportjob_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Annual report"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/insights/annual_report.html", context)

    def health_view(self, request, pk):
        """What the agreement promised beside what happened, per academic year; POST runs a renewal action."""
        agreement = get_object_or_404(Agreement.objects.prefetch_related("partners"), pk=pk)
        if not may_read_health(request.user, agreement):
            raise PermissionDenied
        if request.method == "POST":
            return self._renewal_action(request, agreement)
        found = health.health_of([agreement])[agreement.pk]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Use of the agreement «%(agreement)s»") % {"agreement": agreement.title},
            "agreement": agreement,
            "health": found,
            "reviews": agreement.renewal_reviews.select_related("owner"),
            "may_decide": may_decide_renewal(request.user),
            "opts": self.model._meta,
            "change_url": reverse("admin:partnerships_agreement_change", args=[agreement.pk]),
            "rule_share": int(health.USED_SHARE * 100),
        }
        return TemplateResponse(request, "admin/insights/agreement_health.html", context)

    def _renewal_action(self, request, agreement):
        if not may_decide_renewal(request.user):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "open_review":
            review, opened = services.open_renewal_review(agreement, by=request.user)
            if opened:
                self.message_user(
                    request, _("A renewal review was opened, owned by %(owner)s.") % {"owner": review.owner}
                )
            else:
                self.message_user(request, _("This agreement already has an open renewal review."), messages.WARNING)
        elif action == "mark_dormant":
            self._dormant_message(request, services.mark_partners_dormant(agreement, by=request.user))
        else:
            self.message_user(
                request, _("Choose an action: open a renewal review or mark the partners dormant."), messages.ERROR
            )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = health.health_url(agreement)
        return redirect(target)
