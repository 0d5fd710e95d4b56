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
