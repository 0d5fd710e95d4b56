"""The admin's titles, the home university, and the bases every app's admin builds on."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, FieldError, PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.forms.models import InlineForeignKeyField
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import list_exports
from .models import HomeInstitution

admin.site.site_header = _("Köpir · international cooperation")
admin.site.site_title = _("Köpir administration")
admin.site.index_title = _("International office")

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


# ---------------------------------------------------------------- unique clashes name the record


def unique_rules(model: type[models.Model]):
    """Each rule that makes a record unique, as (form error key, message the rule gives, fields, expressions,
    condition): unique fields, unique_together and UniqueConstraints, with the messages Django shows for them."""
    example = model()
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            error = example.unique_error_message(model, (field.name,))
            yield field.name, error.message % error.params, (field.name,), (), None
    for together in model._meta.unique_together:
        error = example.unique_error_message(model, tuple(together))
        yield NON_FIELD_ERRORS, error.message % error.params, tuple(together), (), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            one_field = constraint.violation_error_code == "unique" and len(constraint.fields) == 1
            key = constraint.fields[0] if one_field else NON_FIELD_ERRORS
            message = str(constraint.get_violation_error_message())
            yield key, message, tuple(constraint.fields), constraint.expressions, constraint.condition


def clashing_record(instance: models.Model, fields, expressions, condition) -> models.Model | None:
    """The other record that has what `instance` may have only once, as the unique rule sees it."""
    model = type(instance)
    records = model._default_manager.all()
    values = instance._get_field_expression_map(meta=model._meta)
    if fields:
        attnames = [model._meta.get_field(name).attname for name in fields]
        if any(getattr(instance, attname) is None for attname in attnames):
            return None
        records = records.filter(**{attname: getattr(instance, attname) for attname in attnames})
    else:
        replacements = {F(name): value for name, value in values.items()}
        records = records.filter(*(Exact(e, e.replace_expressions(replacements)) for e in expressions))
    if condition is not None:
        try:
            if not Q(condition).check(values):
                return None
        except FieldError:
            return None
        records = records.filter(condition)
    if instance.pk is not None and not instance._state.adding:
        records = records.exclude(pk=instance.pk)
    return records.first()


def admin_link(record: models.Model, request, site) -> str:
    """«record», linked to its admin page, or to the page of the record it belongs to (a partner's domain), when
    the reader may open it."""
    text = format_html("«{}»", record)
    if request is None:
        return text
    for target in [record, *(getattr(record, f.name) for f in record._meta.concrete_fields if f.many_to_one)]:
        model_admin = site._registry.get(type(target)) if target is not None else None
        if model_admin and model_admin.has_view_permission(request, target):
            opts = target._meta
            try:
                url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk], current_app=site.name
                )
            except NoReverseMatch:
                continue
            return format_html('<a href="{}">{}</a>', url, text)
    return text


class ClashLinksForm:
    """Mixed into the admin's model forms: a unique rule's refusal says which record has it already, with a link."""

    clash_request = None
    clash_site = admin.site

    def _post_clean(self):
        super()._post_clean()
        self.validate_inline_constraints()
        if not self._errors:
            return
        for key, message, fields, expressions, condition in unique_rules(type(self.instance)):
            errors = next(
                (self._errors[k] for k in (key, NON_FIELD_ERRORS) if k in self._errors and message in self._errors[k]),
                None,
            )
            if errors is None:
                continue
            record = clashing_record(self.instance, fields, expressions, condition)
            if record is None:
                continue
            before, _placeholder, after = gettext("See %(record)s.").partition("%(record)s")
            see = format_html("{}{}{}", before, admin_link(record, self.clash_request, self.clash_site), after)
            errors.data = [
                ValidationError(format_html("{} {}", message, see), code="unique") if str(text) == message else error
                for error, text in zip(errors.as_data(), errors, strict=True)
            ]

    def validate_inline_constraints(self):
        """The unique constraints on the key to the record an inline belongs to (one primary contact per partner):
        Django leaves that key out of a model's constraint checks in an inline, and the database then refuses."""
        keys = {name for name, field in self.fields.items() if isinstance(field, InlineForeignKeyField)}
        if not keys:
            return
        exclude = self._get_validation_exclusions() - keys
        model = type(self.instance)
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and keys & set(constraint.fields):
                try:
                    constraint.validate(model, self.instance, exclude=exclude)
                except ValidationError as error:
                    # At the top of the inline's row: its key is a hidden field.
                    self._update_errors(ValidationError({NON_FIELD_ERRORS: error.error_list}))


class ConditionalUniqueFormSet:
    """Mixed into the admin's inline formsets: two rows of one submission that a conditional unique constraint
    allows only once (two primary contacts) are refused, as Django checks only unconditional ones across rows."""

    def clean(self):
        super().clean()
        model = self.model
        constraints = [
            c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields and c.condition
        ]
        seen = set()
        for form in self.forms:
            if form.errors or not hasattr(form, "cleaned_data") or (self.can_delete and self._should_delete_form(form)):
                continue
            if form.instance._state.adding and not form.has_changed():
                continue
            values = form.instance._get_field_expression_map(meta=model._meta)
            for constraint in constraints:
                try:
                    if not Q(constraint.condition).check(values):
                        continue
                except FieldError:
                    continue
                key = (
                    constraint.name,
                    *(getattr(form.instance, model._meta.get_field(n).attname) for n in constraint.fields),
                )
                if key in seen:
                    form.add_error(None, ValidationError(constraint.get_violation_error_message(), code="unique"))
                seen.add(key)


def with_clash_links(form_class, request, site):
    return type(form_class.__name__, (ClashLinksForm, form_class), {"clash_request": request, "clash_site": site})


class ClashLinksAdmin:
    """For every ModelAdmin of the portal: its forms and its inlines' forms name the record a unique value clashes
    with (another partner with this ROR ID, the partner's primary contact) and link to it."""

    def get_form(self, request, obj=None, **kwargs):
        return with_clash_links(super().get_form(request, obj, **kwargs), request, self.admin_site)

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            checked = type(formset.__name__, (ConditionalUniqueFormSet, formset), {})
            checked.form = with_clash_links(formset.form, request, self.admin_site)
            yield checked, inline


class HistoryAdmin(ClashLinksAdmin, SimpleHistoryAdmin):
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


# Every admin list exports what it shows (its filter and search, with "select all") as XLSX and CSV.
list_exports.register(admin.site)
