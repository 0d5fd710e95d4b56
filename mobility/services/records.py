"""The records the office keeps by hand: calls with their hosts and criteria, guests who come, learning agreements.

Each is what the admin's form does: validated, saved, the acting user and the reason kept in the history. Each looks
up its natural key first, so calling it again changes the record instead of adding a second one.
"""

from django.db import transaction

from accounts.models import User
from config.history import save_with_history, upsert_with_history
from partnerships.models import Partner

from ..models import CallHost, ExchangeCall, LearningAgreementCourse, Mobility, PriorityCategory, SelectionCriterion


def add_priority_category(*, name_en: str, values: dict, by: User | None) -> PriorityCategory:
    """Add the priority category of this English name (or change its names)."""
    return upsert_with_history(PriorityCategory, lookup={"name_en": name_en}, values=values, by=by)


def create_call(*, slug: str, values: dict, by: User | None, relations: dict | None = None) -> ExchangeCall:
    """Add the call of this slug (or change it), checked as the call form checks it (dates in order, levels...),
    with its agreements, faculties, priority categories and reviewers when given in `relations`."""
    return upsert_with_history(ExchangeCall, lookup={"slug": slug}, values=values, by=by, relations=relations)


def add_call_host(call: ExchangeCall, *, partner: Partner, by: User | None, places: int | None = None) -> CallHost:
    """Offer this host institution in the call (once), with its own number of places if given."""
    return upsert_with_history(CallHost, lookup={"call": call, "partner": partner}, values={"places": places}, by=by)


def add_selection_criterion(
    call: ExchangeCall, *, name_en: str, weight: int, values: dict, by: User | None
) -> SelectionCriterion:
    """Add the call's criterion of this English name with its weight (or change it)."""
    return upsert_with_history(
        SelectionCriterion, lookup={"call": call, "name_en": name_en}, values={"weight": weight, **values}, by=by
    )


def record_incoming_mobility(*, participant_name: str, partner: Partner, values: dict, by: User | None) -> Mobility:
    """Record a guest who comes from a partner (or change their stay): incoming mobility has no application."""
    lookup = {"participant_name": participant_name, "partner": partner, "application": None}
    return upsert_with_history(
        Mobility, lookup=lookup, values={"direction": Mobility.Direction.INCOMING, **values}, by=by
    )


def move_mobility_dates(mobility: Mobility, *, starts_on, ends_on, by: User | None) -> Mobility:
    """Change when the mobility takes place, checked as the mobility form checks it."""
    return save_with_history(mobility, by=by, values={"starts_on": starts_on, "ends_on": ends_on})


@transaction.atomic
def add_learning_agreement_course(
    mobility: Mobility, *, host_course: str, values: dict, by: User | None
) -> LearningAgreementCourse:
    """Add a line to the learning agreement (the host's course of this name and what it is recognised as)."""
    return upsert_with_history(
        LearningAgreementCourse, lookup={"mobility": mobility, "host_course": host_course}, values=values, by=by
    )
