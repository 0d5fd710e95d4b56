"""Renewal decisions: open a renewal review of an agreement, or mark its partners dormant."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from config.history import save_with_history
from partnerships.models import Agreement, Partner
from partnerships.services import describe_partner

from .models import RenewalReview

# A review is due this long before the agreement ends, or at once when less time is left.
REVIEW_LEAD_DAYS = 30


@transaction.atomic
def open_renewal_review(agreement: Agreement, *, by: User, owner: User | None = None, today: date | None = None):
    """The agreement's open renewal review, opened now if it has none (idempotent: a second click finds it).

    Owned by the agreement's active coordinator, else by the person who opened it; due a month before the end.
    """
    today = today or timezone.localdate()
    existing = RenewalReview.objects.select_for_update().open().filter(agreement=agreement).first()
    if existing is not None:
        return existing, False
    coordinator = agreement.coordinator if agreement.coordinator and agreement.coordinator.is_active else None
    owner = owner or coordinator or by
    due_on = max(today, agreement.valid_until - timedelta(days=REVIEW_LEAD_DAYS)) if agreement.valid_until else today
    review = save_with_history(
        RenewalReview(agreement=agreement, opened_by=by), by=by, values={"owner": owner, "due_on": due_on}
    )
    return review, True


@transaction.atomic
def mark_partners_dormant(agreement: Agreement, *, by: User) -> int:
    """Mark the agreement's active partners dormant (kept in each partner's history); the number changed."""
    changed = 0
    for partner in agreement.partners.filter(status=Partner.Status.ACTIVE):
        describe_partner(partner, values={"status": Partner.Status.DORMANT}, by=by)
        changed += 1
    return changed
