"""Moving an application along its lifecycle: the applicant submits and withdraws, office staff decide."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import may_decide
from config.models import check_transition

from ..models import APPLICANT_WITHDRAWABLE, Application
from .applying import submit_application
from .mobilities import cancel_planned_mobility
from .selection import nominate, promote_from_waitlist, renumber_waitlist
from .transitions import APPLICANT_MOVES, APPLICATION_TRANSITIONS, lock_call, move_application

Status = Application.Status


@transaction.atomic
def change_application_status(application: Application, *, to: str, by: User, comment: str = "") -> Application:
    """Move an application along its lifecycle, record who did it and why, and tell the applicant.

    The applicant may submit and withdraw (before a final decision); office staff make every other move.
    Nobody is nominated beyond the places (see selection.Places). When a nominee withdraws, is rejected or put back
    on the waiting list, the first person waiting with a free host moves up and is told; withdrawing also
    cancels the realised mobility while it is still planned.
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
    if application.status == Status.DRAFT and target == Status.WITHDRAWN:
        # Nobody but the applicant has seen a draft: only they may withdraw it, and withdrawing deletes it.
        raise ValidationError(
            _("A draft is withdrawn only by its applicant, which deletes it; nothing was changed."), code="draft"
        )
    was_nominated = application.status in {Status.NOMINATED, Status.ACCEPTED}
    was_waiting = application.status == Status.WAITLISTED
    if target == Status.NOMINATED:
        check_transition(
            APPLICATION_TRANSITIONS,
            Status(application.status),
            target,
            message=_("An application that is «%(current)s» cannot become «%(target)s»."),
        )
        nominate(application, by=by, comment=comment)  # never beyond the call's or the host's places
    else:
        move_application(application, to=target, by=by, comment=comment)
    if target == Status.WITHDRAWN:
        cancel_planned_mobility(application, by=by)
    if was_nominated and target in {Status.WITHDRAWN, Status.REJECTED, Status.WAITLISTED}:
        promote_from_waitlist(application.call, by=by, leaving=application)
    elif was_waiting:
        renumber_waitlist(application.call)
    return application


@transaction.atomic
def withdraw_application(application: Application, *, by: User, comment: str = "") -> Application | None:
    """The applicant withdraws their application: a draft is deleted with its answers and documents (None is
    returned, its files go after commit); a submitted one becomes withdrawn (see change_application_status)."""
    if by.pk != application.applicant_id:
        raise PermissionDenied
    lock_call(application.call)
    application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    if application.status != Status.DRAFT:
        return change_application_status(application, to=Status.WITHDRAWN, by=by, comment=comment)
    for document in application.documents.all():
        transaction.on_commit(partial(document.file.storage.delete, document.file.name))
    application.delete()
    return None
