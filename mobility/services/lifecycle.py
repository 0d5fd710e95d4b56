"""Moving an application along its lifecycle: the applicant submits and withdraws, office staff decide."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import may_decide

from ..models import APPLICANT_WITHDRAWABLE, Application
from .applying import submit_application
from .selection import promote_from_waitlist, renumber_waitlist
from .transitions import APPLICANT_MOVES, lock_call, move_application

Status = Application.Status


@transaction.atomic
def change_application_status(application: Application, *, to: str, by: User, comment: str = "") -> Application:
    """Move an application along its lifecycle, record who did it and why, and tell the applicant.

    The applicant may submit and withdraw (before a final decision); office staff make every other move.
    Withdrawing a nomination lets the next person on the waiting list move up.
    """
    lock_call(application.call)
    application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    target = Status(to)
    if target == Status.SUBMITTED:
        if by.pk != application.applicant_id:
            raise PermissionDenied
        return submit_application(application, by=by)
    is_applicant = by.pk == application.applicant_id
    if is_applicant and target not in APPLICANT_MOVES:
        raise PermissionDenied  # nobody decides on their own application, office staff included
    if not is_applicant and not may_decide(by):
        raise PermissionDenied
    if is_applicant and application.status not in APPLICANT_WITHDRAWABLE:
        raise ValidationError(_("After a final decision, ask the international office."), code="too_late")
    if target in {Status.NOMINATED, Status.ACCEPTED} and application.host_id is None:
        first = application.choices.select_related("partner").first()
        if first is None:
            raise ValidationError(_("The application chose no host institution."), code="no_host")
        application.host = first.partner
    was_nominated = application.status in {Status.NOMINATED, Status.ACCEPTED}
    was_waiting = application.status == Status.WAITLISTED
    move_application(application, to=target, by=by, comment=comment)
    if was_nominated and target in {Status.WITHDRAWN, Status.REJECTED, Status.WAITLISTED}:
        promote_from_waitlist(application.call, by=by, leaving=application)
    elif was_waiting:
        renumber_waitlist(application.call)
    return application
