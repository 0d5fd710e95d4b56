"""The admin's titles, the home university, and the bases every app's admin builds on."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import HomeInstitution

admin.site.site_header = _("Köpir · international cooperation")
admin.site.site_title = _("Köpir administration")
admin.site.index_title = _("International office")

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(SimpleHistoryAdmin):
    """The change history of a record; reverting to an earlier version needs the right to change the record.

    A revert brings back what the form edits; the fields no form edits (a lifecycle's status, computed columns)
    stay as they are now, so that an ended agreement or a withdrawn application cannot come back by a revert.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a posted revert for anyone who may read the history: it only hides the button.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
            request.reverting_history = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change and getattr(request, "reverting_history", False):
            kept = [f.attname for f in obj._meta.concrete_fields if not f.editable and not f.primary_key]
            current = type(obj)._default_manager.filter(pk=obj.pk).values(*kept).first()
            for attname, value in (current or {}).items():
                setattr(obj, attname, value)
        super().save_model(request, obj, form, change)


class PortalAdmin(HistoryAdmin, TabbedTranslationAdmin):
    """Translation tabs and the full change history, for every model the office keeps."""

    formfield_overrides = HTTPS_URLS


class DownloadLinkMixin:
    """A read-only column linking to a private document through its permission-checked view."""

    @admin.display(description=_("download"))
    def download(self, document):
        if not document.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', document.get_absolute_url(), _("Download"))


class TransitionInline(admin.TabularInline):
    """The recorded status changes of a record, read-only: they are made by the "Change status…" action.

    Subclasses set `model` to the record's StatusTransition model.
    """

    extra = 0
    fields = ("at", "from_status", "to_status", "by", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = statuses


class StatusChangeMixin:
    """The "Change status…" action: a small form, then the model's lifecycle service for each selected row.

    Subclasses set status_form and implement apply_status (the service call) and changed_message.
    """

    status_form = StatusChangeForm
    status_choices = None  # the model's statuses unless a subclass offers fewer

    def apply_status(self, obj, *, by, data):
        raise NotImplementedError

    def changed_message(self, count):
        raise NotImplementedError

    @admin.action(description=_("Change status…"), permissions=["change"])
    def change_status(self, request, queryset):
        data = request.POST if "apply" in request.POST else None
        form = self.status_form(data, statuses=self.status_choices or self.model.Status.choices)
        if form.is_valid():
            changed = 0
            for obj in queryset:
                try:
                    self.apply_status(obj, by=request.user, data=form.cleaned_data)
                    changed += 1
                except ValidationError as error:
                    self.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
                except PermissionDenied:
                    self.message_user(request, f"{obj}: {_('You may not make this change.')}", messages.ERROR)
            if changed:
                self.message_user(request, self.changed_message(changed))
            return None
        return TemplateResponse(
            request,
            "admin/change_status.html",
            {
                **self.admin_site.each_context(request),
                "objects": queryset,
                "form": form,
                "opts": self.model._meta,
                "title": _("Change status…"),
            },
        )


def apply_to_each(model_admin, request, queryset, service) -> int:
    """Run a service on each selected row; a refused row is reported and the others go on. Returns the done."""
    done = 0
    for obj in queryset:
        try:
            service(obj, by=request.user)
            done += 1
        except ValidationError as error:
            model_admin.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
    return done


@admin.register(HomeInstitution)
class HomeInstitutionAdmin(PortalAdmin):
    list_display = ("name", "city", "phone", "email")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "welcome", "logo")}),
        (_("Address"), {"fields": ("postcode", "city", "address", "country")}),
        (
            _("Contacts"),
            {
                "fields": (
                    "phone_label",
                    "phone",
                    "email",
                    "info_email",
                    "international_office_email",
                    "international_office_phone",
                    "staff_email_domains",
                    "website",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HomeInstitution.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
