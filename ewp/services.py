"""Offering agreements to partners through Erasmus Without Paper."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from config.history import save_with_history
from partnerships.models import Agreement

from .iia import build_iia, exportable


def mark_ready_to_exchange(agreement: Agreement, *, by) -> Agreement:
    """Offer the agreement to the partner's system; refused, with every problem in words, while its export does
    not validate. Idempotent: an agreement already ready keeps the moment it became so."""
    agreement = exportable(Agreement.objects.filter(pk=agreement.pk)).first() or agreement
    problems = build_iia(agreement).problems
    if problems:
        raise ValidationError([problem.message for problem in problems], code="export_invalid")
    if agreement.is_ready_to_exchange:
        return agreement
    return save_with_history(
        agreement,
        by=by,
        values={"is_ready_to_exchange": True, "ready_to_exchange_at": timezone.now()},
        reason=_("Marked ready to exchange"),
    )


def withdraw_from_exchange(agreement: Agreement, *, by) -> Agreement:
    """Stop offering the agreement to the partner's system (kept in its history); idempotent."""
    agreement = Agreement.objects.get(pk=agreement.pk)
    if not agreement.is_ready_to_exchange:
        return agreement
    return save_with_history(
        agreement,
        by=by,
        values={"is_ready_to_exchange": False, "ready_to_exchange_at": None},
        reason=_("Withdrawn from exchange"),
    )


def offered_agreements(queryset=None) -> list[Agreement]:
    """The agreements partners may read: marked ready, and still validating today (a later edit that broke the
    export hides the agreement until it is fixed)."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    return [
        agreement
        for agreement in exportable(queryset.filter(is_ready_to_exchange=True)).order_by("pk")
        if build_iia(agreement).is_valid
    ]
