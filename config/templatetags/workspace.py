from django import template

from config.workspace import attention_items, grouped_apps

register = template.Library()


@register.simple_tag
def workspace_groups(app_list):
    return grouped_apps(app_list)


@register.simple_tag(takes_context=True)
def workspace_index(context, app_list):
    """The index's groups, each with what needs attention in it."""
    attention = attention_items(context["request"])
    return [{**group, "attention": attention.get(group["key"], [])} for group in grouped_apps(app_list)]
