"""Applying: a draft per applicant and call, saved step by step, submitted complete and eligible before the deadline."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import APPLICANT_ROLES, may_apply_to
from config.text import join_labels
from partnerships.models import Partner

from ..models import Application, ApplicationDocument, ExchangeCall, HostChoice, validate_application_document
from .transitions import lock_call, move_application

Status = Application.Status


@transaction.atomic
def start_application(call: ExchangeCall, *, applicant: User, now=None) -> Application:
    """The applicant's application to this call: their current one, or a new draft while the call is open (at `now`).

    Only people the call admits start one; after withdrawing, the applicant may start again before the deadline.
    """
    call = lock_call(call)  # two quick clicks on "Apply" make one draft
    existing = Application.objects.filter(call=call, applicant=applicant).exclude(status=Status.WITHDRAWN).first()
    if existing:
        return existing
    if applicant.role not in APPLICANT_ROLES:
        raise PermissionDenied
    if not may_apply_to(applicant, call):
        raise ValidationError(who_may_apply(call), code="not_admitted")
    if not call.is_open(now):
        raise ValidationError(_("This call does not accept applications now."), code="call_closed")
    application = Application(call=call, applicant=applicant)
    if applicant.role == User.Role.STUDENT and len(call.levels) == 1 and call.levels != [ExchangeCall.Level.STAFF]:
        application.level = call.levels[0]
    elif applicant.role != User.Role.STUDENT and ExchangeCall.Level.STAFF in call.levels:
        application.level = ExchangeCall.Level.STAFF
    application._history_user, application._change_reason = applicant, _("Added")
    application.save()
    hosts = list(call.partners.all())
    if len(hosts) == 1:
        HostChoice.objects.create(application=application, partner=hosts[0], rank=1)
    return application


def lock_application(application: Application, *, checks=False) -> Application:
    """The application's row, locked until the transaction ends: two saves of the same draft take turns.

    With its call and applicant; `checks` reads at once (unlocked) what completeness and eligibility look at."""
    applications = Application.objects.select_for_update(of=("self",)).select_related("call", "applicant")
    if checks:
        applications = applications.prefetch_related("call__faculties", "choices", "documents")
    return applications.get(pk=application.pk)


def who_may_apply(call: ExchangeCall) -> str:
    """The refusal for someone the call does not admit, naming whom it admits."""
    return _("Only %(levels)s can apply to this call.") % {"levels": join_labels(call.level_labels())}


def ensure_editable(application: Application, *, now=None) -> None:
    if application.status != Status.DRAFT:
        raise ValidationError(_("A submitted application cannot be changed."), code="not_a_draft")
    if not application.call.is_open(now):
        raise ValidationError(_("The deadline has passed: the application can no longer be changed."), code="closed")


@transaction.atomic
def save_draft(application: Application, *, values: dict, now=None) -> Application:
    """Keep what the applicant entered in this step; completeness is checked only when submitting."""
    application = lock_application(application)
    ensure_editable(application, now=now)
    for name, value in values.items():
        setattr(application, name, value)
    # Only this step's fields are checked: the others were when their step was saved (Application has no clean()).
    unchanged = [field.name for field in application._meta.fields if field.name not in values]
    application.full_clean(exclude=unchanged, validate_constraints=False)
    application._history_user, application._change_reason = application.applicant, _("Changed")  # their draft
    application.save()
    return application


@transaction.atomic
def choose_hosts(application: Application, *, partners: list[Partner], now=None) -> None:
    """Replace the ranked host choices (first = most wanted); only hosts the call offers, each once."""
    application = lock_application(application)
    ensure_editable(application, now=now)
    offered = set(application.call.partners.values_list("pk", flat=True))
    if any(partner.pk not in offered for partner in partners):
        raise ValidationError(_("Choose only host institutions this call offers."), code="not_offered")
    if len({partner.pk for partner in partners}) != len(partners):
        raise ValidationError(_("Each host institution can be chosen only once."), code="duplicate_host")
    application.choices.all().delete()
    HostChoice.objects.bulk_create(
        HostChoice(application=application, partner=partner, rank=rank) for rank, partner in enumerate(partners, 1)
    )
    application.save(update_fields=["updated_at"])


@transaction.atomic
def upload_document(application: Application, *, kind: str, file, now=None) -> ApplicationDocument:
    """Store a required document after checking its size and real format; a new upload replaces the old one.

    The file is written before its row: if the row is not saved, the file goes too (what an interrupted
    transaction still leaves behind, the periodic `remove_orphan_files` removes)."""
    application = lock_application(application)
    ensure_editable(application, now=now)
    if kind not in application.call.document_kinds:
        raise ValidationError(_("This call does not ask for this document."), code="not_required")
    validate_application_document(kind, file)
    old = ApplicationDocument.objects.filter(application=application, kind=kind).first()
    document = ApplicationDocument(application=application, kind=kind, original_name=file.name[:255], size=file.size)
    document.file.save(file.name, file, save=False)
    try:
        with transaction.atomic():
            if old:
                old.delete()
            document.save()
            application.save(update_fields=["updated_at"])
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    if old:
        transaction.on_commit(partial(old.file.storage.delete, old.file.name))
    return document


def upload_documents(application: Application, *, files: dict) -> dict[str, ValidationError]:
    """Store each document given ({kind: file}), each on its own: a refused file (too large, not a readable file of
    an allowed format) leaves the others stored. Returns the refusals, by kind."""
    refused = {}
    for kind, file in files.items():
        try:
            upload_document(application, kind=kind, file=file)
        except ValidationError as error:
            refused[kind] = error
    return refused


@transaction.atomic
def submit_application(application: Application, *, by: User, now=None) -> Application:
    """Submit a complete, eligible draft before the deadline; the applicant is told after commit."""
    application = lock_application(application, checks=True)
    now = now or timezone.now()
    if application.status != Status.DRAFT:
        raise ValidationError(_("This application has already been submitted."), code="not_a_draft")
    if not application.call.is_open(now):
        raise ValidationError(_("The deadline has passed: applications are no longer accepted."), code="closed")
    if missing := application.missing_items():
        raise ValidationError(_("Still missing: %(items)s."), params={"items": join_labels(missing)}, code="incomplete")
    if failures := application.eligibility_failures():
        raise ValidationError([str(failure) for failure in failures], code="not_eligible")
    application.submitted_at = now
    return move_application(application, to=Status.SUBMITTED, by=by, comment="")
