"""Renewal decisions (open a renewal review of an agreement, or mark its partners dormant) and the annual report."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.exports import queue_export
from config.history import save_with_history
from config.models import ExportJob
from partnerships.models import Agreement, Partner
from partnerships.services import describe_partner

from . import reports
from .health import academic_year_label
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


def queue_annual_report(*, year: int, language: str, fmt: str, by: User) -> ExportJob:
    """Ask for the annual report of `year` in `language` as XLSX or PDF: written by a task and kept for `by` on
    their exports page (it reads the whole database, so never in the request)."""
    return queue_export(
        kind=ExportJob.Kind.ANNUAL_REPORT,
        title=_("Annual report %(year)s") % {"year": academic_year_label(year)},
        fmt=fmt,
        language=language,
        parameters={"year": year},
        file_name=reports.report_file_name(year, language, fmt),
        content_type=reports.PDF_TYPE if fmt == "pdf" else reports.XLSX_TYPE,
        by=by,
    )
