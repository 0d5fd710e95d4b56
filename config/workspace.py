"""The admin's index and sidebar grouped by the office's work, each group with the lists that need attention.

Each app says what needs attention in its own admin (`needs_attention`), as it registers its reminders: this module
knows no domain app, only their labels.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (key, heading, the app labels or "app_label.model_name" it gathers); what no group names goes to the last one.
GROUPS = (
    ("partners", _("Partners and agreements"), ("partnerships", "insights", "config.homeinstitution")),
    ("visits", _("Visits and news"), ("visits",)),
    ("mobility", _("Mobility"), ("mobility",)),
    ("notifications", _("Notifications"), ("notifications",)),
    ("people", _("People"), ("accounts", "auth", "account", "mfa", "socialaccount", "usersessions")),
    ("settings", _("Settings and connections"), ()),
)


@dataclass(frozen=True)
class Attention:
    group: str
    model: type
    query: str  # the filter of the model's admin list, as its query string
    label: Callable[[int], str]  # the sentence for a count, with ngettext
    records: Callable[[QuerySet], QuerySet]  # narrows what the reader's admin list shows to what needs attention


ATTENTION: list[Attention] = []


def needs_attention(group: str, model: type, *, query: str, label, records) -> None:
    """Show on the admin index, in `group`, how many `records` need attention, linked to the filtered list."""
    ATTENTION.append(Attention(group, model, query, label, records))


def group_of(app_label: str, model_name: str) -> str:
    for key, _heading, members in GROUPS:
        if app_label in members or f"{app_label}.{model_name}" in members:
            return key
    return GROUPS[-1][0]


def grouped_apps(app_list: list[dict]) -> list[dict]:
    """The admin's app list (as get_app_list gives it) regrouped by the office's work, in the admin's own shape.

    The group's key stands for the app label: Django's templates build ids ("partners-agreement") and classes
    ("app-partners") from it, which must hold no space."""
    groups = {key: {"key": key, "app_label": key, "name": heading, "models": []} for key, heading, _members in GROUPS}
    for app in app_list:
        for model in app["models"]:
            group = groups[group_of(app["app_label"], model["object_name"].lower())]
            group["models"].append(model)
            group.setdefault("app_url", app["app_url"])
    return [group for group in groups.values() if group["models"]]


def attention_items(request, site=admin.site) -> dict[str, list[dict]]:
    """For each group, what needs attention among the records the reader may see: one count query each."""
    items: dict[str, list[dict]] = {}
    for item in ATTENTION:
        model_admin = site._registry.get(item.model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        count = item.records(model_admin.get_queryset(request)).order_by().count()
        opts = item.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=site.name)
        items.setdefault(item.group, []).append(
            {"label": item.label(count), "count": count, "url": f"{url}?{item.query}"}
        )
    return items
