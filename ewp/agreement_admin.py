"""The agreement's admin page with its EWP export: the problems in words with links to fix them, the valid
document to download, and "ready to exchange" (registered in place of partnerships' AgreementAdmin)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from config.admin import apply_to_each
from partnerships.admin import AgreementAdmin
from partnerships.models import Agreement

from . import services
from .iia import build_iia, exportable, our_iia_id

READY_BUTTON = "_ewp_ready"


class ExchangeAgreementAdmin(AgreementAdmin):
    # Its change form (templates/admin/partnerships/agreement/change_form.html) adds the ready-to-exchange button.
    actions = [*AgreementAdmin.actions, "mark_ready_to_exchange", "withdraw_from_exchange"]
    list_display = (*AgreementAdmin.list_display, "is_ready_to_exchange")

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "is_ready_to_exchange", "ewp_export")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (
            *fieldsets,
            (gettext_lazy("Erasmus Without Paper"), {"fields": ("is_ready_to_exchange", "ewp_export")}),
        )

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_iia)
        return [path("<int:pk>/ewp-iia.xml", download, name="partnerships_agreement_ewp_iia"), *super().get_urls()]

    @admin.display(description=gettext_lazy("export"))
    def ewp_export(self, agreement):
        if agreement.pk is None:
            return "—"
        export = build_iia(exportable(Agreement.objects.filter(pk=agreement.pk)).first() or agreement)
        if export.problems:
            items = format_html_join("", "<li>{}</li>", ((self._problem(problem),) for problem in export.problems))
            heading = ngettext(
                "The export has %(count)d problem to fix before it can be exchanged:",
                "The export has %(count)d problems to fix before it can be exchanged:",
                len(export.problems),
            ) % {"count": len(export.problems)}
            return format_html('<p id="ewp-problems">{}</p><ul aria-labelledby="ewp-problems">{}</ul>', heading, items)
        url = reverse("admin:partnerships_agreement_ewp_iia", args=[agreement.pk])
        return format_html(
            '<p>{}</p><p><a href="{}" download>{}</a></p>',
            _("The export validates against the IIA v7 schema."),
            url,
            _("Download the IIA document (XML)"),
        )

    @staticmethod
    def _problem(problem):
        if not problem.url:
            return problem.message
        return format_html('<a href="{}">{}</a>', problem.url, problem.message)

    def download_iia(self, request, pk):
        agreement = get_object_or_404(exportable(self.get_queryset(request)), pk=pk)
        if not self.has_view_or_change_permission(request, agreement):
            raise PermissionDenied
        export = build_iia(agreement)
        if export.problems:
            raise PermissionDenied(_("This agreement's export does not validate yet."))
        response = HttpResponse(export.document, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{our_iia_id(agreement)}.xml"'
        return response

    def response_change(self, request, obj):
        if READY_BUTTON in request.POST and self.has_change_permission(request, obj):
            try:
                services.mark_ready_to_exchange(obj, by=request.user)
                self.message_user(request, _("The agreement is ready to exchange."), messages.SUCCESS)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:partnerships_agreement_change", args=[obj.pk]))
        return super().response_change(request, obj)

    @admin.action(description=gettext_lazy("Mark ready to exchange (EWP)"), permissions=["change"])
    def mark_ready_to_exchange(self, request, queryset):
        done = apply_to_each(self, request, queryset, services.mark_ready_to_exchange)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d agreement is ready to exchange.", "%(count)d agreements are ready to exchange.", done
                )
                % {"count": done},
            )

    @admin.action(description=gettext_lazy("Withdraw from exchange (EWP)"), permissions=["change"])
    def withdraw_from_exchange(self, request, queryset):
        done = apply_to_each(self, request, queryset, services.withdraw_from_exchange)
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d agreement is no longer offered to partners.",
                    "%(count)d agreements are no longer offered to partners.",
                    done,
                )
                % {"count": done},
            )


def register():
    """Put this admin in place of partnerships' own (ewp sits above partnerships and may extend it)."""
    admin.site.unregister(Agreement)
    admin.site.register(Agreement, ExchangeAgreementAdmin)
