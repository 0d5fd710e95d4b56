"""The application lifecycle's table and the one step every move goes through (recorded, applicant told)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from config.models import check_transition
from notifications.services import notify

from ..models import Application, ApplicationTransition, ExchangeCall

Status = Application.Status


# Where an application may go from each status; the applicant may only submit and withdraw. A draft is never
# "withdrawn": it has no date of submission and nobody else has seen it, so withdrawing it deletes it.
APPLICATION_TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.UNDER_REVIEW, Status.SHORTLISTED, Status.REJECTED, Status.WITHDRAWN},
    Status.UNDER_REVIEW: {Status.SHORTLISTED, Status.NOMINATED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN},
    Status.SHORTLISTED: {Status.NOMINATED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN},
    Status.WAITLISTED: {Status.NOMINATED, Status.REJECTED, Status.WITHDRAWN},
    Status.NOMINATED: {Status.ACCEPTED, Status.REJECTED, Status.WAITLISTED, Status.WITHDRAWN},
    Status.ACCEPTED: {Status.COMPLETED, Status.WITHDRAWN},
    Status.COMPLETED: set(),
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
}
APPLICANT_MOVES = {Status.SUBMITTED, Status.WITHDRAWN}


def lock_call(call: ExchangeCall) -> ExchangeCall:
    """Lock the call's row: every change to who holds its places goes through it one at a time."""
    return ExchangeCall.objects.select_for_update().get(pk=call.pk)


def move_application(application: Application, *, to: Status, by: User, comment: str) -> Application:
    """The one step of every move: checked against the table, saved, recorded (who, when, why) and the applicant
    told after commit. The caller holds the locks and checks who may make the move."""
    current = Status(application.status)
    check_transition(
        APPLICATION_TRANSITIONS,
        current,
        to,
        message=_("An application that is «%(current)s» cannot become «%(target)s»."),
    )
    application.status = to
    if to != Status.WAITLISTED:
        application.waitlist_position = None
    if to in {Status.WITHDRAWN, Status.REJECTED, Status.WAITLISTED}:
        application.host = None
    application._history_user, application._change_reason = by, comment or Status(to).label  # kept in its history
    application.save(update_fields=["status", "host", "waitlist_position", "submitted_at", "updated_at"])
    transition = ApplicationTransition.objects.create(
        application=application, from_status=current, to_status=to, by=by, comment=comment, at=timezone.now()
    )
    notify(rule="application_status", obj=transition, recipients=[application.applicant])
    return application
