"""The admin's titles, the home university, and the bases every app's admin builds on."""

import dataclasses
import functools
import hashlib
import html
from pathlib import Path
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteMixin, RelatedFieldWidgetWrapper
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    FieldDoesNotExist,
    FieldError,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.db.models import F, Q
from django.db.models.fields import BLANK_CHOICE_DASH
from django.db.models.lookups import Exact
from django.forms.boundfield import BoundField
from django.forms.models import InlineForeignKeyField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import ChoiceWidget, Input
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_countries import countries
from django_countries.fields import CountryField
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import exports, list_exports, pagecache
from .files import private_file_response
from .i18n import language_codes as codes
from .models import ExportJob, Factsheet, HomeInstitution, TranslationState
from .text import collation_key, join_list
from .translations import (
    confirm_translations,
    filter_by_translation,
    language_name,
    may_translate,
    stale_fields,
    state_of,
    summary,
    translated_fields,
    translation_content_types,
    translation_queue,
    translator_languages,
    with_translation_state,
)

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


class PortalBoundField(BoundField):
    """A field of the admin's forms: the hidden copy of its initial value (a field with a default computed when the
    form is drawn, such as a visit's time zone) is not described by the field's help, as no hidden input may be."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if (widget or self.field.widget).is_hidden:
            attrs.pop("aria-describedby", None)
        return attrs


class ClashLinksForm:
    """Mixed into the admin's model forms: a unique rule's refusal says which record has it already, with a link."""

    clash_request = None
    clash_site = admin.site
    bound_field_class = PortalBoundField

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


def escaped(text) -> str:
    """Django's conditional_escape, without the check of every call for a lazy argument that Django's escape makes
    (which costs more than the escaping itself on the tens of thousands of values a long change page writes)."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def html_format(template: str, *args) -> str:
    """Django's format_html with escaped(): the same text."""
    return SafeString(template.format(*map(escaped, args)))  # nosec B703 (every argument is escaped)


def html_attrs(attrs) -> str:
    """Attributes as Django's widget templates write them: in order, True bare, False left out."""
    return SafeString(  # nosec B703 (every name and value is escaped here)
        "".join(
            f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


def select_html(context):
    """Django's select.html with its select_option.html, from the widget's template context."""
    groups = []
    for group, choices, _index in context["optgroups"]:
        options = "".join(
            f'\n  <option value="{escaped(str(option["value"]))}"{html_attrs(option["attrs"])}>'
            f"{escaped(option['label'])}</option>\n"
            for option in choices
        )
        groups.append(f'\n  <optgroup label="{escaped(group)}">{options}\n  </optgroup>' if group else options)
    options = SafeString("".join(groups))  # nosec B703 (every value and label is escaped above)
    return html_format('<select name="{}"{}>{}\n</select>', context["name"], html_attrs(context["attrs"]), options)


def is_plain_select(widget) -> bool:
    """A select whose options are Django's own (no option of its own attributes, template or grouping rule)."""
    kind = type(widget)
    return (
        kind.get_context is forms.Select.get_context
        and kind.optgroups is ChoiceWidget.optgroups
        and kind.create_option is ChoiceWidget.create_option
        and not widget.option_inherits_attrs
        and widget.option_template_name == SELECT_OPTION
    )


def _option_html(value, label, selected) -> str:
    chosen = " selected" if selected else ""
    return f'\n  <option value="{html.escape(str(value))}"{chosen}>{escaped(label)}</option>\n'


def options_html(widget, chosen) -> str:
    """A plain select's options as Django's select_option.html writes them, `chosen` (a set of strings) selected."""
    multiple, has_selected = widget.allow_multiple_selected, False
    parts = []
    for option_value, option_label in widget.choices:
        group = isinstance(option_label, list | tuple)
        options = option_label if group else [("" if option_value is None else option_value, option_label)]
        written = []
        for subvalue, sublabel in options:
            selected = (not has_selected or multiple) and str(subvalue) in chosen
            has_selected |= selected
            written.append(_option_html(subvalue, sublabel, selected))
        if group and option_value:
            parts.append(f'\n  <optgroup label="{escaped(option_value)}">{"".join(written)}\n  </optgroup>')
        else:
            parts.append("".join(written))
    return "".join(parts)


def select_tag(context, options: str) -> str:
    """A select around its options (escaped by their writer), from the widget's template context."""
    options = SafeString(options)  # nosec B703 (escaped by their writer: options_html, WrittenOnce)
    return html_format('<select name="{}"{}>{}\n</select>', context["name"], html_attrs(context["attrs"]), options)


def plain_select_html(widget, name, value, attrs) -> str:
    """Django's select.html for a plain select, written from its choices without building an option's context (a
    dictionary of attributes per option, hundreds of them on a long form): the same HTML as select_html."""
    context = forms.Widget.get_context(widget, name, value, attrs)["widget"]
    if widget.allow_multiple_selected:
        context["attrs"]["multiple"] = True
    # Every value and label is escaped by options_html.
    return select_tag(context, options_html(widget, set(context["value"])))


def _of_field(field, name, default=None):
    """An attribute of an admin field's field: a bound field's, or the dictionary a read-only field keeps."""
    inner = field.field
    return inner.get(name, default) if isinstance(inner, dict) else getattr(inner, name, default)


def _line_html(line) -> str:
    fields = list(line)
    single = len(line.fields) == 1
    errors = line.errors() if single else ""
    classes = "form-row"
    if single and errors:
        classes += " errors"
    if not line.has_visible_field:
        classes += " hidden"
    classes += "".join(f" field-{_of_field(f, 'name')}" for f in fields if _of_field(f, "name"))
    out = [
        html_format('<div class="{}">', classes),
        errors if single else '<div class="flex-container form-multiline">',
    ]
    for field in fields:
        readonly, name = field.is_readonly, _of_field(field, "name")
        out.append("<div>")
        box = "flex-container"
        if not single:
            errors = "" if readonly else field.errors()
            out.append(errors)
            box += " fieldBox"
            if name:
                box += f" field-{name}"
            if errors:
                box += " errors"
            if _of_field(field, "is_hidden"):
                box += " hidden"
        if field.is_checkbox:
            box += " checkbox-row"
        out.append(html_format('<div class="{}">', box))
        if field.is_checkbox:
            out.append(html_format("{}{}", field.field, field.label_tag()))
        elif readonly:
            out.append(html_format('{}\n<div class="readonly">{}</div>', field.label_tag(), field.contents()))
        else:
            out.append(html_format("{}\n{}", field.label_tag(), field.field))
        out.append("</div>")
        help_text = _of_field(field, "help_text")
        if help_text:
            hidden = " hidden" if _of_field(field, "is_hidden") else ""
            for_label = _of_field(field, "id_for_label")
            described = html_format(' id="{}_helptext"', for_label) if for_label else ""
            # As Django's template: help texts are the portal's own, written in its code.
            helped = mark_safe(help_text)  # noqa: S308  # nosec B308 B703
            out.append(html_format('<div class="help{}"{}>\n<div>{}</div>\n</div>', hidden, described, helped))
        out.append("</div>")
    if not single:
        out.append("</div>")
    out.append("</div>")
    return "\n".join(str(part) for part in out)


def fieldset_html(fieldset, *, heading_level=2, prefix="", id_prefix="", id_suffix=""):
    """Django's admin/includes/fieldset.html written in Python, as a long inline draws it for every row: the same
    elements, attributes and text (only the whitespace between tags differs)."""
    name = fieldset.name
    heading = f"{prefix}-{id_prefix}-{id_suffix}-heading"
    out = [
        html_format(
            '<fieldset class="module aligned {}"{}>',
            fieldset.classes,
            html_format(' aria-labelledby="{}"', heading) if name else "",
        )
    ]
    collapsible = name and fieldset.is_collapsible
    if name:
        if collapsible:
            out.append("<details><summary>")
        out.append(
            html_format('<h{} id="{}" class="fieldset-heading">{}</h{}>', heading_level, heading, name, heading_level)
        )
        if collapsible:
            out.append("</summary>")
    if fieldset.description:
        described = mark_safe(fieldset.description)  # noqa: S308  # nosec B308 B703 (as Django's template marks it)
        out.append(html_format('<div class="description">{}</div>', described))
    out.extend(_line_html(line) for line in fieldset)
    if collapsible:
        out.append("</details>")
    out.append("</fieldset>")
    return SafeString("\n".join(str(part) for part in out))  # nosec B703 (every part is escaped above)


def row_cells_html(inline_admin_form):
    """A tabular inline row's cells, one per field, as Django's admin/edit_inline/tabular.html writes them (only the
    whitespace between tags differs)."""
    out = []
    for fieldset in inline_admin_form:
        for line in fieldset:
            for field in line:
                name = _of_field(field, "name")
                classes = (f"field-{name}" if name else "") + (" hidden" if _of_field(field, "is_hidden") else "")
                if field.is_readonly:
                    content = html_format("<p>{}</p>", field.contents())
                else:
                    content = html_format("{}\n{}", field.field.errors.as_ul(), field.field)
                out.append(html_format('<td class="{}">\n{}\n</td>', classes, content))
    return SafeString("\n".join(out))  # nosec B703 (every part is escaped above)


def app_list_html(app_list, path, *, show_changelinks=True):
    """Django's admin/app_list.html written in Python, as the sidebar of every admin page draws it: the same
    elements, attributes and text (only the whitespace between tags differs)."""
    if not app_list:
        return html_format("<p>{}</p>", gettext("You don’t have permission to view or edit anything."))
    path = quote(path, safe="/")  # as the template's request.path|urlencode
    headings = [gettext("Model name"), gettext("Add link"), gettext("Change or view list link")]
    head = "".join(f'<th scope="col">{escaped(heading)}</th>' for heading in headings)
    out = []
    for app in app_list:
        label, name = escaped(app["app_label"]), escaped(app["name"])
        title = gettext("Models in the %(name)s application") % {"name": name}
        out.append(
            f'<div class="app-{label} module{" current-app" if app["app_url"] in path else ""}"><table><caption>'
            f'<a href="{escaped(app["app_url"])}" class="section" title="{title}">{name}</a></caption>'
            f'<thead class="visually-hidden"><tr>{head}</tr></thead>'
        )
        for model in app["models"]:
            url, row_id = model["admin_url"], f"{label}-{escaped(model['object_name'].lower())}"
            here = bool(url) and url in path
            if url:
                current_page = ' aria-current="page"' if here else ""
                link = f'<a href="{escaped(url)}"{current_page}>{escaped(model["name"])}</a>'
            else:
                link = f"\n{escaped(model['name'])}\n"  # the template's spacing around a name without a link
            cells = [f'<th scope="row" id="{row_id}">{link}</th>']
            actions = [("addlink", model["add_url"], gettext("Add"))] if model["add_url"] else [None]
            if show_changelinks:
                view_only = model.get("view_only")  # (not there for a model this person may only add to)
                kind, text = ("viewlink", gettext("View")) if view_only else ("changelink", gettext("Change"))
                actions.append((kind, url, text) if url else None)
            for action in actions:
                if action is None:
                    cells.append("<td></td>")
                else:
                    kind, href, text = action
                    described = f'class="{kind}" aria-describedby="{row_id}"'
                    cells.append(f'<td><a href="{escaped(href)}" {described}>{escaped(text)}</a></td>')
            current = " current-model" if here else ""
            out.append(f'<tr class="model-{escaped(model["object_name"].lower())}{current}">{"".join(cells)}</tr>')
        out.append("</table></div>")
    return SafeString("\n".join(out))  # nosec B703 (every value is escaped above)


def list_filter_html(title, choices):
    """Django's admin/filter.html written in Python, as a list's filters draw it (a country filter has a hundred
    choices): the same elements, attributes and text (only the whitespace between tags differs)."""
    items = []
    for choice in choices:
        selected = ' class="selected"' if choice["selected"] else ""
        href = escaped(iri_to_uri(choice["query_string"]))  # as the template's |iriencode
        items.append(f'<li{selected}>\n<a href="{href}">{escaped(choice["display"])}</a></li>')
    heading = gettext(" By %(filter_title)s ") % {"filter_title": escaped(title)}
    return SafeString(  # nosec B703 (every value is escaped above)
        f'<details data-filter-title="{escaped(title)}" open>\n<summary>\n{heading}\n</summary>\n'
        f"<ul>\n{chr(10).join(items)}\n</ul>\n</details>"
    )


def result_rows_html(results):
    """The rows of Django's admin/change_list_results.html written in Python (a hundred rows of a list's page): the
    same elements and text (only the whitespace between tags differs)."""
    rows = []
    for result in results:
        if result.form and result.form.non_field_errors():
            errors = escaped(result.form.non_field_errors())
            rows.append(f'<tr><td colspan="{len(result)}">{errors}</td></tr>')
        rows.append(f"<tr>{''.join(escaped(item) for item in result)}</tr>")
    return SafeString("\n".join(rows))  # nosec B703 (every cell is escaped or Django's own markup)


class QuickOptions:
    """A select's options written in Python instead of one template per option: a list of every country or time
    zone (hundreds of options) then renders in a millisecond instead of tens, to the same HTML."""

    def render(self, name, value, attrs=None, renderer=None):
        if is_plain_select(self):
            return plain_select_html(self, name, value, attrs)
        return select_html(self.get_context(name, value, attrs)["widget"])


# {(model field, language): (its options with none selected, whether its select may be marked required)}
WRITTEN_OPTIONS = {}


class WrittenOnce:
    """A select of a long list of choices the same on every form in a language (every country, every time zone):
    its options are written once a process per field and language, and a form's choice is marked on a copy of
    them, where Django writes hundreds of options again for every form and reads them all once more to learn
    whether one is empty (use_required_attribute)."""

    written_for = None  # the model field, set by QuickChoicesAdmin

    def written(self):
        key = (self.written_for, get_language())
        if key not in WRITTEN_OPTIONS:
            WRITTEN_OPTIONS[key] = (options_html(self, chosen=set()), super().use_required_attribute(None))
        return WRITTEN_OPTIONS[key]

    def use_required_attribute(self, initial):
        return not self.is_hidden and self.written()[1]

    def render(self, name, value, attrs=None, renderer=None):
        if self.allow_multiple_selected or not is_plain_select(self):
            return super().render(name, value, attrs, renderer)
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        options = self.written()[0]
        # As Django: the first option whose value is chosen is selected.
        tags = {f'<option value="{html.escape(chosen)}">' for chosen in context["value"]}
        found = sorted((at, tag) for tag in tags if (at := options.find(tag)) >= 0)
        if found:
            at, tag = found[0]
            options = f"{options[:at]}{tag[:-1]} selected>{options[at + len(tag) :]}"
        return select_tag(context, options)


INPUTS = {f"django/forms/widgets/{kind}.html" for kind in ("text", "number", "email", "hidden", "checkbox")}
TEXTAREA = "django/forms/widgets/textarea.html"


def input_html(context, template_name):
    """Django's input.html (or textarea.html), from the widget's template context."""
    if template_name == TEXTAREA:
        return html_format(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            html_attrs(context["attrs"]),
            context["value"] or "",
        )
    written = context["value"]
    return html_format(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        "" if written is None else html_format(' value="{}"', str(written)),
        html_attrs(context["attrs"]),
    )


class QuickInput:
    """An input or a text area written in Python, to the same HTML as Django's templates: a long form has hundreds
    of them (every language of every translated field of every inline row)."""

    def render(self, name, value, attrs=None, renderer=None):
        return input_html(self.get_context(name, value, attrs)["widget"], self.template_name)


LABEL = "django/forms/label.html"
ERRORS = "django/forms/errors/list/ul.html"
SELECT_OPTION = "django/forms/widgets/select_option.html"
RELATED_WRAPPER = "admin/widgets/related_widget_wrapper.html"
RELATED_LINKS = ("can_change_related", "can_add_related", "can_delete_related", "can_view_related")


class QuickRenderer(DjangoTemplates):
    """The admin forms' renderer: the pieces a change page writes hundreds of times (every field's label, its empty
    list of errors, the hidden ids of inline rows, the selects behind autocompletes and, where it has no links, the
    wrapper around them) are written in Python, to the same HTML as Django's templates; everything else goes to the
    templates, the portal's own first (its corrections of Django's: templates/admin/widgets)."""

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [settings.BASE_DIR / "templates", Path(forms.__file__).parent / self.backend.app_dirname],
                "NAME": "portalforms",
                "OPTIONS": {},
            }
        )

    def render(self, template_name, context, request=None):
        if template_name == LABEL:
            if not context["use_tag"]:
                return escaped(context["label"])
            tag = context["tag"]
            return html_format("<{}{}>{}</{}>", tag, html_attrs(context["attrs"] or {}), context["label"], tag)
        if template_name == ERRORS and not context["errors"]:
            return ""
        if template_name == RELATED_WRAPPER and (context["is_hidden"] or not any(context[k] for k in RELATED_LINKS)):
            # A row's choice of a related record, without the links beside it (FoldedInline).
            ref = (
                ""
                if context["model_has_limit_choices_to"]
                else html_format('data-model-ref="{}"', context["model_name"])
            )
            return html_format('<div class="related-widget-wrapper" {}>{}</div>', ref, context["rendered_widget"])
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and (template_name in INPUTS or template_name == TEXTAREA):
            return input_html(widget, template_name)
        if (
            widget is not None
            and template_name == "django/forms/widgets/select.html"
            and all(
                option["template_name"] == SELECT_OPTION
                for _g, options, _i in widget["optgroups"]
                for option in options
            )
        ):
            return select_html(widget)
        return super().render(template_name, context, request)


QUICK_RENDERER = QuickRenderer()


class QuickRendered:
    """An autocomplete drawn by the quick renderer even when its caller names none (the admin's related-record
    wrapper draws the select behind it without the form's renderer), in valid HTML: its empty choice has a label (an
    empty option must), and it has no lang attribute where Select2 has no catalogue for the page's language (Django
    writes lang="None" in Kazakh)."""

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer or QUICK_RENDERER)

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if attrs.get("lang") is None:
            attrs.pop("lang", None)
        return attrs

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value == "" and label == "":
            option["attrs"]["label"] = BLANK_CHOICE_DASH[0][1]
        return option


def quick_widget(formfield):
    """The form field, its select or input (behind the admin's related-record links, if any) written quickly."""
    widget = getattr(formfield, "widget", None)
    widget = getattr(widget, "widget", widget)
    quick = None
    if (
        isinstance(widget, forms.Select | forms.SelectMultiple)
        and not isinstance(widget, AutocompleteMixin)
        and widget.template_name == "django/forms/widgets/select.html"
        and widget.option_template_name == "django/forms/widgets/select_option.html"
    ):
        quick = QuickOptions
    elif isinstance(widget, AutocompleteMixin):
        quick = QuickRendered
    elif isinstance(widget, Input | forms.Textarea | forms.CheckboxInput) and (
        widget.template_name in INPUTS or widget.template_name == TEXTAREA
    ):
        quick = QuickInput
    if quick is not None and not isinstance(widget, quick):
        widget.__class__ = mixed(quick, type(widget))
    return formfield


@functools.cache
def mixed(mixin, cls):
    """`cls` with `mixin` before it, built once: a class built per widget and page would be garbage only the
    collector's slow passes free."""
    return type(cls.__name__, (mixin, cls), {})


class QuickChoicesAdmin:
    """Mixed into the portal's admins and inlines: their selects and inputs are written quickly (QuickOptions,
    QuickInput), and a long list of choices the same on every form once (WrittenOnce): every country, and the
    fields named in fixed_choices."""

    fixed_choices = ()  # fields whose long list of choices is the same on every form (a visit's time zone)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = quick_widget(super().formfield_for_dbfield(db_field, request, **kwargs))
        widget = getattr(formfield, "widget", None)
        fixed = isinstance(db_field, CountryField) or db_field.name in self.fixed_choices
        if fixed and isinstance(widget, QuickOptions) and not widget.allow_multiple_selected:
            widget.__class__ = mixed(WrittenOnce, type(widget))
            widget.written_for = db_field
        return formfield


@functools.cache
def portal_form(form_class, *mixins):
    """An admin's base form with the portal's mixins (ClashLinksForm last) and the quick renderer, built once: the
    form Django builds from it for each request is then the only class a request builds, and names the request's
    records itself (clashes_named)."""
    missing = tuple(mixin for mixin in (*mixins, ClashLinksForm) if not issubclass(form_class, mixin))
    if not missing:
        return form_class
    return type(form_class.__name__, (*missing, form_class), {"default_renderer": QUICK_RENDERER})


def clashes_named(form_class, request, site):
    """The form class, built for this request, names clashing records with links this person may follow."""
    if not issubclass(form_class, ClashLinksForm):  # an inline that is not the portal's: its class is this request's
        form_class = type(form_class.__name__, (ClashLinksForm, form_class), {"default_renderer": QUICK_RENDERER})
    form_class.clash_request, form_class.clash_site = request, site
    return form_class


class RowLinksChangeList(ChangeList):
    """A list whose rows link to their change pages, keeping the list's filters, as Django's do, with the address
    built once for the page: Django reverses each row's address and resolves it again to learn it is not the
    list's own (a tenth of a second over a filtered page of a hundred rows)."""

    PK = "~pk~"  # stands for the row's primary key in the address built once

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The filters go on each row's link here, so Django's row links need not add them again.
        self.row_filters, self.preserved_filters = self.preserved_filters, ""
        opts = self.opts
        self.change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=(self.PK,),
            current_app=self.model_admin.admin_site.name,
        )
        if self.row_filters:
            self.change_url = add_preserved_filters(
                {"preserved_filters": self.row_filters, "opts": opts}, self.change_url
            )

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if not isinstance(pk, int):  # a key of text is quoted as Django quotes it
            url = super().url_for_result(result)
            return add_preserved_filters({"preserved_filters": self.row_filters, "opts": self.opts}, url)
        return self.change_url.replace(self.PK, str(pk), 1)


class OnceBuiltEmptyRow:
    """Mixed into the admin's inline formsets: the empty row (what "Add another" copies) is built once, as the
    admin asks for it several times a page."""

    @cached_property
    def empty_form(self):
        return super().empty_form


class FormClassMedia:
    """Mixed into Django's wrapper of an inline formset: its media are its rows' form class's, read once, where Django
    adds up every row's media (the same for each row) one by one, a tenth of a long change page's time."""

    @property
    def media(self):
        return self.opts.media + self.formset.media


class ClashLinksAdmin(QuickChoicesAdmin):
    """For every ModelAdmin of the portal: its forms and its inlines' forms name the record a unique value clashes
    with (another partner with this ROR ID, the partner's primary contact) and link to it; its selects write their
    options quickly; its list's rows link to their records quickly (RowLinksChangeList)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = portal_form(self.form, KnownLinks)

    def get_object(self, request, object_id, from_field=None):
        # Django's, with the records the form's autocompletes show (and what their labels name) loaded with it.
        links = [self.model._meta.get_field(name) for name in self.get_autocomplete_fields(request)]
        single = [link.name for link in links if not link.many_to_many]
        queryset = with_links(self.get_queryset(request), single, [link.name for link in links if link.many_to_many])
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_changelist(self, request, **kwargs):
        return RowLinksChangeList

    def action_checkbox(self, obj):
        # Django's, written here instead of by the checkbox widget's template: a fifth of a long list's time.
        return html_format(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            html_format(gettext("Select this object for an action - {}"), str(obj)),
        )

    def get_form(self, request, obj=None, **kwargs):
        # Django builds the form class afresh for each request, from self.form.
        return clashes_named(super().get_form(request, obj, **kwargs), request, self.admin_site)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:  # built by Django from its own class
            inline_formset.__class__ = mixed(FormClassMedia, type(inline_formset))
        return inline_formsets

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            checked = type(
                formset.__name__,
                (OnceBuiltEmptyRow, ConditionalUniqueFormSet, formset),
                {"renderer": QUICK_RENDERER},
            )
            checked.form = clashes_named(formset.form, request, self.admin_site)
            yield checked, inline


class HistoryInWords(HistoricalRecordContextHelper):
    """A history's changes as the forms name them: a choice by its label (a status move reads "Draft → Active"),
    yes or no for a tick, each translated text once as "Purpose (English)", a long text shortened at words around
    its change, and the reason of the change, in the reader's language."""

    CONTEXT_CHARS = 30  # of a long text, shown before its first change

    def context_for_delta_changes(self, delta):
        # modeltranslation's original column copies one language's column: its change is that language's change.
        originals = set(translated_fields(self.model))
        changes = [self.format_delta_change(change) for change in delta.changes if change.field not in originals]
        return [{"field": change.field, "old": change.old, "new": change.new} for change in changes]

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        field = self.model._meta.get_field(change.field)
        translated = getattr(field, "translated_field", None)
        if translated is None:
            return formatted
        # Translators: a field of a record in one language, as a record's history lists it: "Purpose (English)".
        label = gettext("%(field)s (%(language)s)") % {
            "field": capfirst(translated.verbose_name),
            "language": language_name(field.language),
        }
        return dataclasses.replace(formatted, field=label)

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list | dict):
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.BooleanField) and isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, list):
            return join_list(str(item) for item in value) or "—"
        return "—" if value in (None, "") else value

    def stringify_delta_change_values(self, change, old, new):
        """Both values as text; long ones from a word shortly before their first difference, to a word near the
        length simple-history allows, with "…" where text is left out (never "[99 chars]" inside a word)."""
        old, new = str(old), str(new)
        limit = self.max_displayed_delta_change_chars
        if max(len(old), len(new)) <= limit:
            return conditional_escape(old), conditional_escape(new)
        same = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        start = 0
        if same > self.CONTEXT_CHARS:
            space = old.rfind(" ", 0, same - self.CONTEXT_CHARS + 1)
            start = space + 1 if space > 0 else same - self.CONTEXT_CHARS
        return tuple(conditional_escape(self.excerpt(text, start, limit)) for text in (old, new))

    @staticmethod
    def excerpt(text: str, start: int, limit: int) -> str:
        piece = text[start:]
        if len(piece) > limit:
            cut = piece.rfind(" ", limit // 2, limit + 1)
            piece = piece[: cut if cut > 0 else limit].rstrip(" ,;:") + "…"
        return f"…{piece}" if start else piece

    def reason(self) -> str:
        """Why the record changed, in the reader's language: the words the portal writes (added, changed, a status
        moved to, in whatever language the change was made in) translated, a person's comment as written, and "—"
        when no reason was given (a save in the admin)."""
        reason = (self.record.history_change_reason or "").strip()
        if not reason:
            return "—"
        word = self.fixed_reasons(self.model).get(reason)
        return str(word) if word is not None else gettext(reason)

    @staticmethod
    @functools.cache
    def fixed_reasons(model) -> dict:
        """The portal's reasons for a change of this model ("Added", "Changed", the labels of its statuses), by how
        they read in each language."""
        words = [_("Added"), _("Changed")]
        for field in model._meta.concrete_fields:
            if field.choices and not isinstance(field, CountryField):
                words += [label for _value, label in field.flatchoices]
        reasons = {}
        for code in codes():
            with override(code):
                for word in words:
                    reasons.setdefault(str(word), word)
        return reasons


class HistoryAdmin(ClashLinksAdmin, SimpleHistoryAdmin):
    """The change history of a record; reverting to an earlier version needs the right to change the record.

    A revert brings back what the form edits; the fields no form edits (a lifecycle's status, computed columns)
    stay as they are now, so that an ended agreement or a withdrawn application cannot come back by a revert.
    """

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryInWords(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        # simple-history's list prints the reason as stored: the page's copies of the rows (never saved) carry it in
        # the reader's words instead, so its template stays simple-history's own.
        for record in historical_records:
            record.history_change_reason = self.get_historical_record_context_helper(request, record).reason()

    def may_read_history(self, request, object_id):
        """A record's history is read by those who may open the record: it is in their own list (simple-history
        falls back to the record's last version for anyone with the model's view permission). The history of a
        record no longer there is read by those who may delete records of its kind."""
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return False
        if self.get_queryset(request).filter(pk=pk).exists():
            return True
        return not self.model._default_manager.filter(pk=pk).exists() and self.has_delete_permission(request)

    def history_view(self, request, object_id, extra_context=None):
        if not self.may_read_history(request, object_id):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.may_read_history(request, object_id):
            raise PermissionDenied
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
    """Translation tabs (each language named in itself by js/admin-accessible-widgets.js, which every admin page
    loads) and the full change history, for every model the office keeps."""

    formfield_overrides = HTTPS_URLS


class CountryFilter(admin.SimpleListFilter):
    """Only the countries the list's records have, by their names in the reader's language and alphabet.

    `country_filter("partners__country")` makes one for a country reached through a relation.
    """

    title = _("country")
    field_path = "country"
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # Read once a request: an action builds the list's filters twice.
        known = request.__dict__.setdefault("country_lookups", {})
        key = (model_admin.model, self.field_path)
        if key not in known:
            known[key] = self.countries(request, model_admin)
        return known[key]

    def countries(self, request, model_admin):
        records = model_admin.get_queryset(request).order_by()
        head, _sep, tail = self.field_path.rpartition("__")
        read = [model_admin.model]  # the tables the codes come from, whose changes change them
        if head:  # the related records of the list's records, each once, then their countries
            related = model_admin.model
            for name in head.split("__"):
                field = related._meta.get_field(name)
                related = field.related_model
                if field.many_to_many:
                    read.append(field.remote_field.through if field.concrete else field.through)
                read.append(related)
            records = related._default_manager.filter(pk__in=records.values(head)).order_by()
        codes = records.exclude(**{tail: ""}).values_list(tail, flat=True).distinct()

        def choices():
            named = ((code, str(countries.name(code))) for code in codes)
            return sorted(named, key=lambda item: collation_key(item[1]))

        # The distinct codes read every record of a big list: their names, sorted in the reader's language, are kept
        # in the cache until one of those tables changes (the same versions as the public pages'), per query, so
        # each reader's scope of records has its own.
        kind = pagecache.kind_of(*read)
        if kind is None:
            return choices()
        digest = hashlib.sha256(str(codes.query).encode()).hexdigest()
        return pagecache.current(kind, f"country-filter:{digest}:{get_language()}", choices)

    def queryset(self, request, queryset):
        code = self.value()
        if code is None:
            return queryset
        if code not in countries:
            return queryset.none()
        if "__" not in self.field_path:
            return queryset.filter(**{self.field_path: code})
        # Through a many-valued relation each record once, however many of its partners are in the country.
        name, rest = self.field_path.split("__", 1)
        field = queryset.model._meta.get_field(name)
        if field.many_to_many and field.concrete:
            # The link table's rows to related records in the country: the planner then sorts a list by its own index
            # and looks each row up among them (100,000 agreements: 10 ms instead of 70).
            links = field.remote_field.through._default_manager.filter(
                **{f"{field.m2m_reverse_field_name()}__{rest}": code}
            )
            return queryset.filter(pk__in=links.values(field.m2m_field_name()))
        return queryset.filter(pk__in=queryset.model._default_manager.filter(**{self.field_path: code}).values("pk"))


def country_filter(field_path: str, parameter_name: str = "country") -> type[CountryFilter]:
    return type("CountryFilter", (CountryFilter,), {"field_path": field_path, "parameter_name": parameter_name})


COUNTRY = _("country")


def country_column(field_name: str = "country", description=COUNTRY):
    """A list's column of countries by their names in the reader's language: the admin's own display of a country
    field builds the list of every country again for each row (a tenth of a second over a page of partners)."""

    @admin.display(description=description, ordering=field_name)
    def country(record):
        return getattr(record, field_name).name or "—"

    return country


class OccurringRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """The related records (coordinators) that occur in the list's records: the list's records that name one are
    read by the index of the foreign key, instead of every record of a big list for their distinct values."""

    def field_choices(self, field, request, model_admin):
        records = model_admin.get_queryset(request).order_by()
        named = records.filter(**{f"{self.field_path}__isnull": False}).values(self.field_path)
        related = field.remote_field.model._default_manager.filter(pk__in=named)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return [(record.pk, str(record)) for record in (related.order_by(*ordering) if ordering else related)]


class DownloadLinkMixin:
    """A read-only column linking to a private document through its permission-checked view."""

    @admin.display(description=_("download"))
    def download(self, document):
        if not document.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', document.get_absolute_url(), _("Download"))


# A change form's sections, each a task: the first stays open, the others fold under their heading (a <details> a
# keyboard opens), and a section with an error opens by itself.
FOLDED = ("collapse",)


class KnownRecordsAutocomplete:
    """An autocomplete that shows the records its form was loaded with, instead of asking for them again (and
    asks for none where none is chosen): a long inline then costs the same queries as a short one."""

    known = None  # {str(pk): record}, set by the form: the records it may show without asking for them

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or not set(selected) <= self.known.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for pk in selected:
            record = self.known[pk]
            label = self.choices.field.label_from_instance(record)
            default[1].append(self.create_option(name, record.pk, label, True, len(default[1])))
        return [default]


def knowing(widget):
    if not isinstance(widget, KnownRecordsAutocomplete):
        widget.__class__ = mixed(KnownRecordsAutocomplete, type(widget))
    return widget


def with_links(records, single, many):
    """`records` loaded with the records they link to (`single`: one each, joined; `many`: a list each, one query
    per link) and with what those records' names read besides them (Unit.named_with: a unit names its partner)."""

    def named(links):
        paths = []
        for name in links:
            linked = records.model._meta.get_field(name).related_model
            paths += [name, *(f"{name}__{more}" for more in getattr(linked, "named_with", ()))]
        return paths

    records = records.prefetch_related(*named(many))
    if single:  # (without names, select_related would follow every link)
        records = records.select_related(*named(single))
    return records


def loaded_records(instance, name):
    """The records `instance` was loaded with through its link `name` (select_related, prefetch_related), or None
    where they were not loaded with it."""
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:  # a form's own field
        return None
    if field.many_to_many:
        prefetched = getattr(instance, "_prefetched_objects_cache", {})
        return list(prefetched[name]) if name in prefetched else None
    return [field.get_cached_value(instance)] if field.is_cached(instance) else None


class KnownLinks:
    """Mixed into the admin's forms: their autocompletes show the records their record was loaded with, instead of
    asking for them again (and for each one's label again: a unit names its partner)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, AutocompleteMixin):
                # A new record (the empty row "Add another" copies) links to none: nothing to ask for.
                records = loaded_records(self.instance, name) if self.instance.pk is not None else None
                knowing(widget).known = {str(r.pk): r for r in records or () if r is not None}


class FoldedRow(KnownLinks):
    """A row of a FoldedInline: its autocompletes show the records it was loaded with, and its plain selects share
    one list of choices with the other rows. The row's form class, built for its request, holds what they share."""

    listed = ()  # the row's links listed as choices
    choices = None  # {field name: choices}, filled by the first row

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            listed = name in self.listed and not isinstance(widget, AutocompleteMixin) and not widget.is_hidden
            if listed and self.choices is not None:
                if name not in self.choices:
                    self.choices[name] = list(widget.choices)
                widget.choices = self.choices[name]


class FoldedInline(QuickChoicesAdmin):
    """An inline folded under its heading, whose rows cost the same queries however many there are.

    Its rows keep only the choice of their related records: the pencil, plus, cross and eye beside each of them (a
    popup each) are left to the record's own page, as they make a long form several times heavier. The records a
    row links to are loaded with the rows, and a list of choices is read once for all rows.
    """

    classes = FOLDED

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield

    def related_names(self, request):
        """The row's links to other records: the chosen or read-only ones, and every list of them."""
        shown = {*self.autocomplete_fields, *self.get_readonly_fields(request)}
        fields = [f for f in self.model._meta.get_fields() if f.is_relation and f.concrete]
        return (
            [f.name for f in fields if f.many_to_one and f.name in shown],
            [f.name for f in fields if f.many_to_many],
        )

    def get_queryset(self, request):
        return with_links(super().get_queryset(request), *self.related_names(request))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = portal_form(self.form, FoldedRow)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        row = formset.form  # built for this request
        row.choices = {}  # each plain list of choices, read by the first row
        links = [f for f in self.model._meta.get_fields() if f.is_relation and f.concrete and f.editable]
        row.listed = {f.name for f in links if f.name != formset.fk.name}

        class Rows(formset):
            def get_queryset(self):
                loaded = hasattr(self, "_queryset")  # the formset asks for its rows once per row and more
                rows = super().get_queryset()
                if not loaded:
                    for row in rows:  # each row belongs to the record on the page: its label need not load it again
                        self.fk.set_cached_value(row, self.instance)
                return rows

        Rows.__name__ = formset.__name__
        return Rows


class TransitionInline(FoldedInline, admin.TabularInline):
    """The recorded status changes of a record, read-only: they are made by the "Change status…" action.

    Subclasses set `model` to the record's StatusTransition model.
    """

    extra = 0
    fields = ("at", "from_status", "to_status", "by", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ExportFilters:
    """Mixed before django-import-export's ExportMixin: its export page reads the list's filters from its address,
    and one no list has (?page=2, an edited link) is refused with 400, where it raised a server error."""

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest("A filter of the export's address is not one of the list's.") from error


class StatusChangeForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = statuses


class StatusChangeMixin:
    """The "Change status…" action: a small form, then the model's lifecycle service for each selected row.

    Subclasses set status_form and status_transitions and implement apply_status (the service call) and
    changed_message. The form offers only the statuses a selected row may move to; when no row could move, it comes
    back with the reasons and what was typed.
    """

    status_form = StatusChangeForm
    status_choices = None  # the model's statuses unless a subclass offers fewer
    status_transitions = None  # the lifecycle's table (status -> statuses that may follow), if it has one

    def reachable_statuses(self, objects):
        statuses = self.status_choices or self.model.Status.choices
        if self.status_transitions is None:
            return statuses
        reachable = set().union(*(self.status_transitions.get(obj.status, ()) for obj in objects))
        return [(value, label) for value, label in statuses if value in reachable]

    def apply_status(self, obj, *, by, data):
        raise NotImplementedError

    def changed_message(self, count):
        raise NotImplementedError

    @admin.action(description=_("Change status…"), permissions=["change"])
    def change_status(self, request, queryset):
        data = request.POST if "apply" in request.POST else None
        objects = list(queryset)
        form = self.status_form(data, statuses=self.reachable_statuses(objects))
        if form.is_valid():
            changed = 0
            for obj in objects:
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
            objects = list(queryset.all())  # as they are now, none of them changed
        return TemplateResponse(
            request,
            "admin/change_status.html",
            {
                **self.admin_site.each_context(request),
                "objects": objects,
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


# ---------------------------------------------------------------- the translation workflow (README «Translations»)


class TranslationFilter(admin.SimpleListFilter):
    """«Missing in Chinese», «stale in Kazakh»: the records a translator has to look at."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        missing = [(f"missing:{c}", _("missing in %(language)s") % {"language": language_name(c)}) for c in codes()]
        stale = [(f"stale:{c}", _("stale in %(language)s") % {"language": language_name(c)}) for c in codes()]
        return [*missing, *stale]

    def queryset(self, request, queryset):
        kind, _sep, code = (self.value() or "").partition(":")
        if kind in {"missing", "stale"} and code in codes():
            return filter_by_translation(queryset, kind=kind, language=code)
        return queryset


CONFIRM_FIELD = "confirm_translations"


class TranslationStatusAdmin:
    """Mixed into the ModelAdmin of a translated model: the «4/4 · 2 stale» column (add "translation_status" to
    list_display) and filters on the list; in the form, each language's status, the source text beside the field
    being translated and a box to confirm stale translations; and the translator role, who may edit the
    translatable fields in their languages only (translator_languages)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/translation-tabs.js"])

    @admin.display(description=_("translations"))
    @list_exports.export_values(lambda admin_, rows: {row.pk: admin_.translation_summary(row) for row in rows})
    def translation_status(self, obj):
        missing, stale = getattr(obj, "translation_missing", None), getattr(obj, "translation_stale", None)
        if missing is None:
            return "—"
        details = [
            *(_("missing in %(language)s") % {"language": language_name(c)} for c in missing),
            *(_("stale in %(language)s") % {"language": language_name(c)} for c in stale or []),
        ]
        return format_html('<span title="{}">{}</span>', join_list(details), summary(missing, stale or []))

    def translation_summary(self, obj) -> str:
        """The translations column as text, for the exports: «4/4 · 2 stale», or "—" when not read."""
        missing = getattr(obj, "translation_missing", None)
        return "—" if missing is None else summary(missing, getattr(obj, "translation_stale", None) or [])

    # ------------------------------------------------------------ the list

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match and match.url_name and match.url_name.endswith("_changelist"):
            return with_translation_state(queryset)
        return queryset

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), TranslationFilter)

    # ------------------------------------------------------------ the translator role

    def translates_only(self, request, obj=None) -> bool:
        """A translator who may change this record's translatable fields in their languages and nothing else."""
        return may_translate(request.user, self.model) and not super().has_change_permission(request, obj)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or may_translate(request.user, self.model)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or may_translate(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or may_translate(request.user, self.model)

    def translator_fields(self, request) -> set[str]:
        languages = translator_languages(request.user)
        return {build_localized_fieldname(f, c) for f in translated_fields(self.model) for c in languages}

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.translates_only(request, obj):
            return readonly
        allowed = self.translator_fields(request)
        opts = self.model._meta
        originals = translated_fields(self.model)  # the admin shows each language's column instead
        fields = [*opts.concrete_fields, *opts.many_to_many]
        names = [f.name for f in fields if f.editable and not f.primary_key and f.name not in originals]
        return (*readonly, *(name for name in names if name not in allowed and name not in readonly))

    def get_inline_instances(self, request, obj=None):
        return [] if self.translates_only(request, obj) else super().get_inline_instances(request, obj)

    def get_actions(self, request):
        return {} if self.translates_only(request) else super().get_actions(request)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.translates_only(request, obj) else super().get_prepopulated_fields(request, obj)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.translates_only(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.translates_only(request, self.get_object(request, unquote(object_id))):
            raise PermissionDenied  # a revert brings back every field, not only the translations
        return super().history_form_view(request, object_id, version_id, extra_context)

    # ------------------------------------------------------------ the form

    def confirmable(self, request, state) -> list[str]:
        """The stale languages of the record that this person may confirm (their own languages)."""
        languages = translator_languages(request.user)
        return [code for code in (state.stale if state else []) if code in languages]

    @staticmethod
    def loaded_state(obj):
        """The record's translation state, read once for the record the page loaded (its sections and its form
        both ask)."""
        if obj is None or not obj.pk:
            return None
        if "translation_state" not in obj.__dict__:
            obj.translation_state = state_of(obj)
        return obj.translation_state

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        state = self.loaded_state(obj)
        if not self.confirmable(request, state) or CONFIRM_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, (_("Translation"), {"fields": [CONFIRM_FIELD]})]

    def get_form(self, request, obj=None, **kwargs):
        if kwargs.get("fields"):
            kwargs["fields"] = [name for name in kwargs["fields"] if name != CONFIRM_FIELD]
        form = super().get_form(request, obj, **kwargs)
        state = self.loaded_state(obj)
        attrs = {}
        confirmable = self.confirmable(request, state)
        if confirmable:
            attrs[CONFIRM_FIELD] = forms.MultipleChoiceField(
                label=_("Still current"),
                choices=[(code, language_name(code)) for code in confirmable],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_(
                    "The source text changed after these translations were saved. Tick a language whose translation "
                    "still says the same to mark it current without editing it."
                ),
            )
        if attrs:
            form = type(form.__name__, (form,), attrs)
        if self.translates_only(request, obj):
            allowed = self.translator_fields(request) | {CONFIRM_FIELD}
            for name in [name for name in form.base_fields if name not in allowed]:
                del form.base_fields[name]
        self.name_languages(form)
        if state is not None:
            self.describe_translations(form, obj, state)
        return form

    def name_languages(self, form):
        """Each language's field names its language in the reader's language, for the tooltip of its tab
        (js/admin-accessible-widgets.js; the browser may know no names in Kazakh)."""
        for name in translated_fields(self.model):
            for code in codes():
                field = form.base_fields.get(build_localized_fieldname(name, code))
                if field is not None:
                    field.widget.attrs.update(
                        {"data-language": code, "data-language-name": capfirst(language_name(code))}
                    )

    def describe_translations(self, form, obj, state):
        """Each language's field says whether it is missing or stale, and shows the source text it translates."""
        source = state.source_language
        fields = translated_fields(self.model)
        stale = stale_fields(state, fields)
        for name in fields:
            source_text = getattr(obj, build_localized_fieldname(name, source)) or ""
            for code in codes():
                field = form.base_fields.get(build_localized_fieldname(name, code))
                if field is None or code == source:
                    continue
                notes = []
                if name in stale.get(code, ()):
                    notes.append(gettext("Stale: the source text changed after this translation was saved."))
                    field.widget.attrs.update({"data-translation": "stale", "data-translation-label": gettext("stale")})
                elif source_text.strip() and not (getattr(obj, build_localized_fieldname(name, code)) or "").strip():
                    notes.append(gettext("Missing."))
                    field.widget.attrs.update(
                        {"data-translation": "missing", "data-translation-label": gettext("missing")}
                    )
                if source_text.strip():
                    notes.append(
                        format_html(
                            '{} <q lang="{}" class="translation-source">{}</q>',
                            gettext("Source (%(language)s):") % {"language": language_name(source)},
                            source,
                            Truncator(strip_tags(source_text)).chars(400),
                        )
                    )
                if notes:
                    field.help_text = format_html_join(
                        " ", "{}", ((note,) for note in [field.help_text, *notes] if note)
                    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        confirmed = form.cleaned_data.get(CONFIRM_FIELD) or []
        if confirmed:
            languages = translator_languages(request.user)
            confirm_translations(obj, languages=[code for code in confirmed if code in languages], by=request.user)


class ReadOnlyAdmin:
    """A page to read, never to add, change or delete from (its records are written by the portal itself)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TranslationKindFilter(admin.SimpleListFilter):
    """The kinds of record the reader's queue holds (partners, visits…), by their names in the reader's language:
    the translated models, never every content type of the site."""

    title = _("kind of record")
    parameter_name = "content_type__id__exact"

    def lookups(self, request, model_admin):
        held = set(model_admin.get_queryset(request).order_by().values_list("content_type", flat=True).distinct())
        kinds = [
            (str(kind.pk), capfirst(kind.model_class()._meta.verbose_name))
            for kind in translation_content_types(request.user)
            if kind.pk in held
        ]
        return sorted(kinds, key=lambda kind: collation_key(kind[1]))

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(content_type_id=int(value)) if value.isdigit() else queryset.none()


@admin.register(TranslationState)
class TranslationQueueAdmin(ReadOnlyAdmin, ClashLinksAdmin, admin.ModelAdmin):
    """The translation queue: what is missing or stale in the reader's languages, what readers see most first."""

    list_display = ("record", "kind", "missing_here", "stale_here", "is_public", "changed_at")
    list_display_links = None
    list_filter = ("is_public", TranslationKindFilter)
    search_fields = ("label",)

    def get_queryset(self, request):
        match = getattr(request, "resolver_match", None)
        if match and match.url_name and match.url_name.endswith("_changelist"):
            return translation_queue(request.user)
        # The state of one record of the reader's models opens even when nothing is left to translate.
        return TranslationState.objects.filter(content_type__in=translation_content_types(request.user))

    def has_module_permission(self, request):
        return bool(translator_languages(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(translator_languages(request.user))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("Translation queue")}
        self.request_languages = translator_languages(request.user)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("record"))
    def record(self, state):
        opts = state.content_type.model_class()._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[state.object_id])
        except NoReverseMatch:
            return state.label
        return format_html('<a href="{}">{}</a>', url, state.label or state.object_id)

    @admin.display(description=_("kind of record"), ordering="content_type")
    def kind(self, state):
        return capfirst(state.content_type.model_class()._meta.verbose_name)

    def _yours(self, codes_):
        return join_list(language_name(c) for c in codes_ if c in getattr(self, "request_languages", codes_))

    @admin.display(description=_("missing languages"))
    def missing_here(self, state):
        return self._yours(state.missing) or "—"

    @admin.display(description=_("stale languages"))
    def stale_here(self, state):
        return self._yours(state.stale) or "—"


@admin.register(HomeInstitution)
class HomeInstitutionAdmin(TranslationStatusAdmin, PortalAdmin):
    list_display = ("name", "city", "phone", "email", "translation_status")
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
        (_("Erasmus Without Paper"), {"fields": ("hei_id",)}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HomeInstitution.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Factsheet)
class FactsheetAdmin(PortalAdmin):
    fieldsets = (
        (
            _("Calendar"),
            {
                "fields": (
                    ("nominations_autumn", "nominations_spring"),
                    ("applications_autumn", "applications_spring"),
                    ("decision_weeks", "transcript_weeks"),
                )
            },
        ),
        (_("Applications"), {"fields": ("application_email", "application_phone", "application_url", "requirements")}),
        (_("Housing"), {"fields": ("housing_email", "housing_phone", "housing_url")}),
        (_("Visa"), {"fields": ("visa_email", "visa_phone", "visa_url")}),
        (_("Insurance"), {"fields": ("insurance_email", "insurance_phone", "insurance_url")}),
    )

    # A second factsheet is refused by its clean(), in words: no query on every admin page to hide "Add".
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin, ClashLinksAdmin, admin.ModelAdmin):
    """ "My exports": the reader's own exports with their progress, and the download of the ones that are ready."""

    # The page shows only the reader's own jobs, so it is not a filtered list of everyone's.
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).of(request.user)

    def has_module_permission(self, request):
        return exports.may_read_exports(request.user)

    def has_view_permission(self, request, obj=None):
        return exports.may_read_exports(request.user) and (obj is None or obj.requested_by_id == request.user.pk)

    def get_urls(self):
        return [
            path("status/", self.admin_site.admin_view(self.status_view), name="config_exportjob_status"),
            path(
                "<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="config_exportjob_download"
            ),
            path(
                "<int:pk>/delete/",
                self.admin_site.admin_view(require_POST(self.delete_export_view)),
                name="config_exportjob_delete",
            ),
            path(
                "<int:pk>/run-again/",
                self.admin_site.admin_view(require_POST(self.run_again_view)),
                name="config_exportjob_run_again",
            ),
            path("", self.admin_site.admin_view(self.changelist_view), name="config_exportjob_changelist"),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        jobs = list(self.get_queryset(request)[:100])
        context = {
            **self.admin_site.each_context(request),
            "title": _("My exports"),
            "jobs": jobs,
            "unfinished": any(not job.is_finished for job in jobs),
            "keep_days": settings.EXPORT_KEEP_DAYS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/config/exportjob/my_exports.html", context)

    def status_view(self, request):
        """The state and progress of the reader's unfinished exports, for the page's script."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = [int(pk) for pk in request.GET.getlist("id") if pk.isdigit()][:100]
        jobs = self.get_queryset(request).filter(pk__in=ids)
        return JsonResponse(
            {
                "jobs": [
                    {
                        "id": job.pk,
                        "status": job.status,
                        "label": job.get_status_display(),
                        "percent": job.percent,
                        "finished": job.is_finished,
                    }
                    for job in jobs
                ]
            }
        )

    def download_view(self, request, pk):
        """The kept file, streamed from the private storage to the person who asked for it; nobody else learns
        that it exists."""
        job = get_object_or_404(ExportJob, pk=pk)
        if not exports.may_download_export(request.user, job) or job.status != ExportJob.Status.DONE or not job.file:
            raise Http404
        return private_file_response(job.file, content_type=job.content_type, filename=job.file_name)

    def delete_export_view(self, request, pk):
        """Delete an export and its file (POST): the requester's own, or anyone's for a superuser; a job still being
        written stops. Nobody else learns that it exists."""
        job = get_object_or_404(ExportJob, pk=pk)
        if not exports.may_delete_export(request.user, job):
            raise Http404
        gone = exports.delete_export(job)
        if gone is None:  # deleted by another click meanwhile
            raise Http404
        if gone.file:
            said = gettext("The export «%(title)s» and its file were deleted.")
        elif not gone.is_finished:
            said = gettext("The export «%(title)s» was stopped and deleted.")
        else:
            said = gettext("The export «%(title)s» was deleted.")
        self.message_user(request, said % {"title": job.title}, messages.SUCCESS)
        return redirect("admin:config_exportjob_changelist")

    def run_again_view(self, request, pk):
        """Queue the same export again for its requester (POST), in place of a failed or expired one."""
        job = get_object_or_404(ExportJob, pk=pk)
        if not exports.may_run_export_again(request.user, job):
            raise Http404
        try:
            again = exports.run_export_again(job)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        else:
            if again.enqueued_at is None:
                self.message_user(
                    request,
                    gettext(
                        "The task queue cannot be reached just now. The export «%(title)s» is kept below and starts "
                        "by itself as soon as the queue is back."
                    )
                    % {"title": again.title},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    gettext("The export «%(title)s» runs again: it will be ready below.") % {"title": again.title},
                    messages.SUCCESS,
                )
        return redirect("admin:config_exportjob_changelist")


# Every admin list exports what it shows (its filter and search, with "select all") as XLSX and CSV.
list_exports.register(admin.site)
