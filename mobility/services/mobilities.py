"""Realised mobility: recorded from an accepted application, with its learning agreement."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import may_approve_learning_agreements, may_decide
from config.history import default_reason

from ..models import Application, LearningAgreementCourse, Mobility

Status = Application.Status


@transaction.atomic
def create_mobility(application: Application, *, by: User) -> Mobility:
    """Record the realised mobility of an application accepted by its host (once; a second call returns it)."""
    if not may_decide(by):
        raise PermissionDenied
    if application.status not in {Status.ACCEPTED, Status.COMPLETED}:
        raise ValidationError(_("Only an application accepted by the host becomes a mobility."), code="not_accepted")
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()  # two clicks, one mobility
    existing = Mobility.objects.filter(application=application).first()
    if existing:
        return existing
    call = application.call
    agreement = call.agreements.filter(partners=application.host_id).first()
    mobility = Mobility(
        participant=application.applicant,
        participant_name=application.applicant.full_name or application.applicant.email,
        email=application.applicant.email,
        direction=Mobility.Direction.OUTGOING,
        partner_id=application.host_id,
        mobility_type=call.mobility_type,
        home_unit=application.faculty,
        agreement=agreement,
        application=application,
        starts_on=call.mobility_starts_on,
        ends_on=call.mobility_ends_on,
    )
    mobility.full_clean()
    mobility._history_user, mobility._change_reason = by, default_reason(mobility)
    mobility.save()
    return mobility


@transaction.atomic
def cancel_mobility(mobility: Mobility, *, by: User, reason: str = "") -> Mobility:
    """Cancel a planned mobility; who cancelled it and why is kept in its history. Cancelling twice changes nothing."""
    if not may_decide(by) and by.pk != mobility.participant_id:
        raise PermissionDenied
    mobility = Mobility.objects.select_for_update().get(pk=mobility.pk)
    if mobility.status == Mobility.Status.CANCELLED:
        return mobility
    if mobility.status != Mobility.Status.PLANNED:
        raise ValidationError(_("Only a planned mobility can be cancelled."), code="not_planned")
    mobility.status = Mobility.Status.CANCELLED
    mobility._history_user = by
    mobility._change_reason = reason
    mobility.save(update_fields=["status"])
    return mobility


def cancel_planned_mobility(application: Application, *, by: User) -> Mobility | None:
    """When an application is withdrawn, its realised mobility is cancelled while it is still planned."""
    mobility = Mobility.objects.filter(application=application, status=Mobility.Status.PLANNED).first()
    if mobility is None:
        return None
    return cancel_mobility(mobility, by=by, reason="application withdrawn")


@transaction.atomic
def approve_learning_agreement(mobility: Mobility, *, by: User) -> Mobility:
    """A coordinator approves the courses of a learning agreement; it needs at least one course."""
    if not may_approve_learning_agreements(by):
        raise PermissionDenied
    if not LearningAgreementCourse.objects.filter(mobility=mobility).exists():
        raise ValidationError(_("Add the courses before approving the learning agreement."), code="no_courses")
    mobility.learning_agreement_approved_by = by
    mobility.learning_agreement_approved_at = timezone.now()
    mobility._history_user, mobility._change_reason = by, default_reason(mobility)
    mobility.save(update_fields=["learning_agreement_approved_by", "learning_agreement_approved_at"])
    return mobility


def withdraw_learning_agreement_approval(mobility: Mobility) -> None:
    """Changed courses need a new approval: the old one no longer covers them."""
    Mobility.objects.filter(pk=mobility.pk).update(
        learning_agreement_approved_by=None, learning_agreement_approved_at=None
    )
