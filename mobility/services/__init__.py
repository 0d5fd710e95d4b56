"""Business actions of mobility: applying, the application lifecycle, reviews, selection and realised mobility.

One module per part; everything is called as `services.submit_application(...)` from here.
"""

from ..models import APPLICANT_WITHDRAWABLE
from .applying import (
    choose_hosts,
    ensure_editable,
    save_draft,
    start_application,
    submit_application,
    upload_document,
    upload_documents,
    who_may_apply,
)
from .lifecycle import change_application_status, withdraw_application
from .mobilities import (
    approve_learning_agreement,
    cancel_mobility,
    create_mobility,
    withdraw_learning_agreement_approval,
)
from .records import (
    add_call_host,
    add_learning_agreement_course,
    add_priority_category,
    add_selection_criterion,
    create_call,
    move_mobility_dates,
    record_incoming_mobility,
)
from .selection import (
    AWAITING_SECOND_STAGE,
    NOT_SHORTLISTED,
    TAKEN,
    Places,
    RankedApplication,
    Ranking,
    close_call_early,
    confirm_selection,
    nominate,
    promote_from_waitlist,
    rank_applications,
    renumber_waitlist,
    save_review,
)
from .transitions import APPLICANT_MOVES, APPLICATION_TRANSITIONS, lock_call

__all__ = [
    "APPLICANT_MOVES",
    "APPLICANT_WITHDRAWABLE",
    "APPLICATION_TRANSITIONS",
    "AWAITING_SECOND_STAGE",
    "NOT_SHORTLISTED",
    "TAKEN",
    "Places",
    "RankedApplication",
    "Ranking",
    "add_call_host",
    "add_learning_agreement_course",
    "add_priority_category",
    "add_selection_criterion",
    "approve_learning_agreement",
    "cancel_mobility",
    "change_application_status",
    "choose_hosts",
    "close_call_early",
    "confirm_selection",
    "create_call",
    "create_mobility",
    "ensure_editable",
    "lock_call",
    "move_mobility_dates",
    "nominate",
    "promote_from_waitlist",
    "rank_applications",
    "record_incoming_mobility",
    "renumber_waitlist",
    "save_draft",
    "save_review",
    "start_application",
    "submit_application",
    "upload_document",
    "upload_documents",
    "who_may_apply",
    "withdraw_application",
    "withdraw_learning_agreement_approval",
]
