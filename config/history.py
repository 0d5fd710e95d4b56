"""Saving through a service: validated as the admin's form would, with who did it and why kept in its history."""

from django.db import models, transaction
from django.utils.translation import gettext as _


@transaction.atomic
def save_with_history(
    obj: models.Model, *, by, values: dict | None = None, reason: str = "", relations: dict | None = None
) -> models.Model:
    """Set these values, validate (full_clean) and save, then set these many-to-many relations (name: objects);
    the history row names the acting user and the reason."""
    for name, value in (values or {}).items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = by
    obj._change_reason = reason or default_reason(obj)
    obj.save()
    for name, related in (relations or {}).items():
        getattr(obj, name).set(related)
    return obj


def default_reason(obj: models.Model) -> str:
    """What its history says of a save no one explained: added, or changed."""
    return _("Added") if obj._state.adding else _("Changed")


def upsert_with_history(
    model: type[models.Model], *, lookup: dict, values: dict, by, reason: str = "", relations: dict | None = None
):
    """The object of this natural key given these values, added or changed by save_with_history (never twice)."""
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    return save_with_history(obj, by=by, values=values, reason=reason, relations=relations)
