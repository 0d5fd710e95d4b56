from django import template

from config import admin as portal_admin

register = template.Library()


@register.simple_tag
def fieldset(fieldset, heading_level=2, prefix="", id_prefix="", id_suffix=""):
    """A form's section as Django's admin/includes/fieldset.html draws it, written in Python (config.admin)."""
    return portal_admin.fieldset_html(
        fieldset, heading_level=heading_level, prefix=prefix, id_prefix=id_prefix, id_suffix=id_suffix
    )


@register.simple_tag
def row_cells(inline_admin_form):
    """A tabular inline row's cells as Django's admin/edit_inline/tabular.html draws them, written in Python."""
    return portal_admin.row_cells_html(inline_admin_form)


@register.simple_tag(takes_context=True)
def app_list(context, app_list, show_changelinks=True):
    """The admin's list of models as Django's admin/app_list.html draws it, written in Python."""
    return portal_admin.app_list_html(app_list, context["request"].path, show_changelinks=show_changelinks)


@register.simple_tag
def list_filter(title, choices):
    """A list filter's choices as Django's admin/filter.html draws them, written in Python."""
    return portal_admin.list_filter_html(title, choices)


@register.simple_tag
def result_rows(results):
    """A list's rows as Django's admin/change_list_results.html draws them, written in Python."""
    return portal_admin.result_rows_html(results)
