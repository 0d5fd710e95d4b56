from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_office
from config.admin import HistoryAdmin, apply_to_each
from partnerships.models import Agreement

from . import partner_copy
from .models import PartnerCopy


class PartnerCopyImportForm(forms.Form):
    document = forms.FileField(
        label=_("partner's copy (XML)"),
        help_text=_("The iias-get-response document the partner's system exports (IIA v7), at most 2 MB."),
    )
    agreement = forms.ModelChoiceField(
        label=_("agreement"),
        queryset=Agreement.objects.all(),
        required=False,
        help_text=_(
            "Needed only the first time, when the document names neither our agreement's ID nor an earlier copy."
        ),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        # Read no more than the limit and one byte: enough for the service to refuse a larger file.
        self.content = upload.read(partner_copy.MAX_BYTES + 1)
        return upload


@admin.register(PartnerCopy)
class PartnerCopyAdmin(HistoryAdmin):
    """Partners' copies: imported from their XML, compared with ours, approved by actions that call the services."""

    list_display = ("agreement", "partner_hei_id", "partner_iia_id", "approval", "imported_at")
    list_filter = ("approval", ("agreement", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("agreement",)
    search_fields = ("partner_hei_id", "partner_iia_id", "partner_iia_code", "agreement__title")
    actions = ["approve", "record_partner_approval", "withdraw_partner_approval"]
    view_on_site = False  # the copy has no page outside the admin
    fields = (
        "agreement",
        ("partner_hei_id", "partner_iia_id", "partner_iia_code"),
        "partner_hash",
        ("imported_at", "imported_by"),
        "approval",
        ("approved_hash", "approved_at"),
        "partner_approved_at",
    )

    def get_readonly_fields(self, request, obj=None):
        return [name for entry in self.fields for name in ((entry,) if isinstance(entry, str) else entry)]

    def has_change_permission(self, request, obj=None):
        return False  # a copy is what the partner sent: it changes by a new import only

    def has_approve_permission(self, request):
        return is_office(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"agreement": request.GET.get("agreement")} if request.GET.get("agreement", "").isdigit() else {}
        bound = request.method == "POST"
        form = PartnerCopyImportForm(request.POST if bound else None, request.FILES if bound else None, initial=initial)
        if bound and form.is_valid():
            try:
                copy = partner_copy.import_partner_copy(
                    form.content, by=request.user, agreement=form.cleaned_data["agreement"]
                )
            except ValidationError as error:
                form.add_error("document", error)
            else:
                self.message_user(request, _("The partner's copy is imported; its comparison with ours is below."))
                return HttpResponseRedirect(copy.get_absolute_url())
        return TemplateResponse(
            request,
            "admin/ewp/partnercopy/import.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.model._meta,
                "title": _("Import a partner's copy"),
                "has_view_permission": self.has_view_permission(request),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        copy = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if copy is not None:
            rows = partner_copy.comparison(copy)
            context |= {"rows": rows, "difference_count": partner_copy.difference_count(rows)}
        return super().change_view(request, object_id, form_url, extra_context=context)

    @admin.action(description=_("Approve the partner's copy (it matches ours)"), permissions=["approve"])
    def approve(self, request, queryset):
        done = apply_to_each(self, request, queryset, partner_copy.approve_partner_copy)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d copy approved.", "%(count)d copies approved.", done) % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Record that the partner approved our copy"), permissions=["approve"])
    def record_partner_approval(self, request, queryset):
        done = apply_to_each(self, request, queryset, partner_copy.record_partner_approval)
        self.message_user(
            request,
            ngettext(
                "The partner's approval is recorded for %(count)d agreement.",
                "The partner's approval is recorded for %(count)d agreements.",
                done,
            )
            % {"count": done},
        )

    @admin.action(description=_("Record that the partner withdrew their approval"), permissions=["approve"])
    def withdraw_partner_approval(self, request, queryset):
        done = apply_to_each(self, request, queryset, partner_copy.withdraw_partner_approval)
        self.message_user(
            request,
            ngettext(
                "The partner's approval is withdrawn for %(count)d agreement.",
                "The partner's approval is withdrawn for %(count)d agreements.",
                done,
            )
            % {"count": done},
        )
