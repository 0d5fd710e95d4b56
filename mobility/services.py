"""Business actions of mobility: applying, the application lifecycle, reviews, selection and realised mobility."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.backends import is_office
from accounts.models import User
from config.text import join_labels
from notifications.services import notify
from partnerships.models import Partner

from .models import (
    APPLICANT_WITHDRAWABLE,
    Application,
    ApplicationDocument,
    ApplicationTransition,
    CallHost,
    ExchangeCall,
    HostChoice,
    LearningAgreementCourse,
    Mobility,
    Review,
    Score,
    validate_application_document,
)

Status = Application.Status

# Where an application may go from each status; the applicant may only submit and withdraw.
APPLICATION_TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
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
APPLICANT_ROLES = {User.Role.STUDENT, User.Role.FACULTY, User.Role.STAFF}


def may_decide(user: User) -> bool:
    """Office staff decide on applications; faculty reviewers only score them."""
    return user.is_superuser or is_office(user)


def may_review(user: User, call: ExchangeCall) -> bool:
    return may_decide(user) or call.reviewers.filter(pk=user.pk).exists()


def lock_call(call: ExchangeCall) -> ExchangeCall:
    """Lock the call's row: every change to who holds its places goes through it one at a time."""
    return ExchangeCall.objects.select_for_update().get(pk=call.pk)


@transaction.atomic
def start_application(call: ExchangeCall, *, applicant: User) -> Application:
    """The applicant's application to this call: their existing one, or a new draft while the call is open."""
    call = lock_call(call)  # two quick clicks on "Apply" make one draft
    existing = Application.objects.filter(call=call, applicant=applicant).first()
    if existing:
        return existing
    if applicant.role not in APPLICANT_ROLES:
        raise PermissionDenied
    if not call.is_open():
        raise ValidationError(_("This call does not accept applications now."), code="call_closed")
    application = Application(call=call, applicant=applicant)
    if applicant.role == User.Role.STUDENT and len(call.levels) == 1 and call.levels != [ExchangeCall.Level.STAFF]:
        application.level = call.levels[0]
    elif applicant.role != User.Role.STUDENT and ExchangeCall.Level.STAFF in call.levels:
        application.level = ExchangeCall.Level.STAFF
    application.save()
    hosts = list(call.partners.all())
    if len(hosts) == 1:
        HostChoice.objects.create(application=application, partner=hosts[0], rank=1)
    return application


def ensure_editable(application: Application) -> None:
    if application.status != Status.DRAFT:
        raise ValidationError(_("A submitted application cannot be changed."), code="not_a_draft")
    if not application.call.is_open():
        raise ValidationError(_("The deadline has passed: the application can no longer be changed."), code="closed")


@transaction.atomic
def save_draft(application: Application, *, values: dict) -> Application:
    """Keep what the applicant entered in this step; completeness is checked only when submitting."""
    ensure_editable(application)
    for name, value in values.items():
        setattr(application, name, value)
    application.full_clean(validate_constraints=False)
    application.save()
    return application


@transaction.atomic
def choose_hosts(application: Application, *, partners: list[Partner]) -> None:
    """Replace the ranked host choices (first = most wanted); only hosts the call offers, each once."""
    ensure_editable(application)
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
def upload_document(application: Application, *, kind: str, file) -> ApplicationDocument:
    """Store a required document after checking its size and real format; a new upload replaces the old one."""
    ensure_editable(application)
    if kind not in application.call.document_kinds:
        raise ValidationError(_("This call does not ask for this document."), code="not_required")
    validate_application_document(kind, file)
    old = ApplicationDocument.objects.filter(application=application, kind=kind).first()
    if old:
        transaction.on_commit(partial(old.file.storage.delete, old.file.name))
        old.delete()
    document = ApplicationDocument(application=application, kind=kind, original_name=file.name[:255], size=file.size)
    document.file.save(file.name, file, save=False)
    document.save()
    application.save(update_fields=["updated_at"])
    return document


@transaction.atomic
def submit_application(application: Application, *, by: User, now=None) -> Application:
    """Submit a complete, eligible draft before the deadline; the applicant is told after commit."""
    application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
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
    return _move(application, to=Status.SUBMITTED, by=by, comment="")


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
    _move(application, to=target, by=by, comment=comment)
    if was_nominated and target in {Status.WITHDRAWN, Status.REJECTED, Status.WAITLISTED}:
        promote_from_waitlist(application.call, by=by, leaving=application)
    elif was_waiting:
        renumber_waitlist(application.call)
    return application


def _move(application: Application, *, to: Status, by: User, comment: str) -> Application:
    current = Status(application.status)
    if to not in APPLICATION_TRANSITIONS[current]:
        raise ValidationError(
            _("An application that is «%(current)s» cannot become «%(target)s»."),
            params={"current": current.label, "target": to.label},
            code="invalid_transition",
        )
    application.status = to
    if to != Status.WAITLISTED:
        application.waitlist_position = None
    if to in {Status.WITHDRAWN, Status.REJECTED, Status.WAITLISTED}:
        application.host = None
    application.save(update_fields=["status", "host", "waitlist_position", "submitted_at", "updated_at"])
    transition = ApplicationTransition.objects.create(
        application=application, from_status=current, to_status=to, by=by, comment=comment, at=timezone.now()
    )
    notify(rule="application_status", obj=transition, recipients=[application.applicant])
    return application


@transaction.atomic
def save_review(application: Application, *, reviewer: User, points: dict[int, int], comment: str = "") -> Review:
    """Record one reviewer's points (0 to 100) per criterion of the call; a submitted application moves to review."""
    if not may_review(reviewer, application.call) or reviewer.pk == application.applicant_id:
        raise PermissionDenied
    lock_call(application.call)
    application = Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
    if application.status not in Application.RANKED_STATUSES:
        raise ValidationError(_("Only applications in selection can be scored."), code="not_in_selection")
    criteria = {criterion.pk: criterion for criterion in application.call.criteria.all()}
    if set(points) - set(criteria):
        raise ValidationError(_("Score only the criteria of this call."), code="unknown_criterion")
    review, _created = Review.objects.update_or_create(
        application=application, reviewer=reviewer, defaults={"comment": comment}
    )
    for pk, value in points.items():
        Score(review=review, criterion=criteria[pk], points=value).full_clean(
            exclude=["review"], validate_constraints=False
        )
    for pk, value in points.items():  # one by one, so each change of points is kept in the history
        Score.objects.update_or_create(review=review, criterion=criteria[pk], defaults={"points": value})
    if application.status == Status.SUBMITTED:
        _move(application, to=Status.UNDER_REVIEW, by=reviewer, comment="")
    return review


@dataclass
class RankedApplication:
    application: Application
    score: Decimal | None
    position: int | None = None
    host: Partner | None = None
    waitlist_position: int | None = None
    choices: list[int] = field(default_factory=list)
    first_stage_only: bool = False
    has_priority: bool = False
    tie_broken_by: str = ""
    reviews: int = 0


@dataclass
class Ranking:
    call: ExchangeCall
    entries: list[RankedApplication]
    unscored: list[RankedApplication] = field(default_factory=list)

    def nominees_by_host(self):
        by_host = {}
        for entry in self.entries:
            if entry.host:
                by_host.setdefault(entry.host, []).append(entry)
        return by_host

    @property
    def waitlist(self):
        return [entry for entry in self.entries if entry.waitlist_position]


def rank_applications(call: ExchangeCall) -> Ranking:
    """Rank the call's applications by average weighted score and fill the places in order of choice.

    A review's score is the sum of points * weight / 100 over the call's criteria, counted once every criterion has
    points; an application's score is the average of its complete reviews. Ties are broken, in this order,
    by a priority category, the higher GPA, then the earlier submission; each entry says which decided.
    Nobody is placed before a complete review. Runs in a constant number of queries, reading bare values.
    """
    weights = dict(call.criteria.values_list("pk", "weight"))
    in_selection = {"status__in": Application.RANKED_STATUSES}
    applications = list(
        call.applications.filter(**in_selection).select_related("applicant", "priority_category", "host")
    )
    points = defaultdict(lambda: defaultdict(dict))
    for application_id, review_id, criterion_id, value in Score.objects.filter(
        review__application__call=call, **{f"review__application__{k}": v for k, v in in_selection.items()}
    ).values_list("review__application_id", "review_id", "criterion_id", "points"):
        points[application_id][review_id][criterion_id] = value
    choices = defaultdict(list)
    for application_id, partner_id in (
        HostChoice.objects.filter(application__call=call, **{f"application__{k}": v for k, v in in_selection.items()})
        .order_by("application_id", "rank")
        .values_list("application_id", "partner_id")
    ):
        choices[application_id].append(partner_id)
    scored, unscored = [], []
    for application in applications:
        totals = [
            sum(given[pk] * weight for pk, weight in weights.items())
            for given in points[application.pk].values()
            if weights and all(pk in given for pk in weights)
        ]
        entry = RankedApplication(application, None, choices=choices[application.pk], reviews=len(totals))
        if totals:
            entry.score = (Decimal(sum(totals)) / (100 * len(totals))).quantize(Decimal("0.01"))
            scored.append(entry)
        else:
            unscored.append(entry)

    priority = set(call.priority_categories.values_list("pk", flat=True))
    for entry in scored:
        entry.has_priority = entry.application.priority_category_id in priority

    def key(entry):
        app = entry.application
        submitted = app.submitted_at.timestamp() if app.submitted_at else 0
        return (-entry.score, not entry.has_priority, -(app.gpa or 0), submitted, app.pk)

    scored.sort(key=key)
    # Each tied entry says what set it apart from the next one below, or (the last of a tie) from the one above.
    for index, entry in enumerate(scored):
        below = scored[index + 1] if index + 1 < len(scored) else None
        above = scored[index - 1] if index else None
        if below and below.score == entry.score:
            entry.tie_broken_by = _tie_reason(entry, below)
        elif above and above.score == entry.score:
            entry.tie_broken_by = _tie_reason(above, entry)
    _allocate(call, scored, hosts={partner.pk: partner for partner in call.partners.all()})
    return Ranking(call=call, entries=scored, unscored=unscored)


def _tie_reason(first: RankedApplication, second: RankedApplication) -> str:
    if first.has_priority != second.has_priority:
        return _("priority category")
    if (first.application.gpa or 0) != (second.application.gpa or 0):
        return _("GPA")
    return _("time of submission")


def _capacities(call: ExchangeCall) -> dict[int, int | None]:
    return dict(CallHost.objects.filter(call=call).values_list("partner_id", "places"))


def _allocate(call: ExchangeCall, ranked: list[RankedApplication], *, hosts: dict[int, Partner]) -> None:
    """Give each applicant, best first, their highest choice that still has a place; the rest wait in order."""
    capacity = _capacities(call)
    # Places already held by people outside the ranking (accepted by the host, completed) stay theirs.
    held = list(
        Application.objects.filter(call=call, status__in=[Status.ACCEPTED, Status.COMPLETED]).values_list(
            "host_id", flat=True
        )
    )
    used = Counter(held)
    filled = len(held)
    waiting = 0
    # With a second stage (an interview), only those shortlisted after it take part in the decision.
    deciding = {Status.SHORTLISTED, Status.NOMINATED, Status.WAITLISTED} if call.has_second_stage else None
    for position, entry in enumerate(ranked, 1):
        entry.position = position
        if deciding and entry.application.status not in deciding:
            entry.first_stage_only = True
            continue
        if filled < call.places:
            for partner_id in entry.choices:
                limit = capacity.get(partner_id)
                if partner_id in capacity and (limit is None or used[partner_id] < limit):
                    entry.host = hosts[partner_id]
                    used[partner_id] += 1
                    filled += 1
                    break
        if entry.host is None:
            waiting += 1
            entry.waitlist_position = waiting


@transaction.atomic
def confirm_selection(call: ExchangeCall, *, by: User) -> Ranking:
    """Turn the ranking into decisions: nominees with their host, the others on the waiting list in order.

    Only office staff confirm; every applicant is told of their new status after commit.
    """
    if not may_decide(by) or call.applications.filter(applicant=by).exists():
        raise PermissionDenied  # nobody confirms a selection they take part in
    call = lock_call(call)
    ranking = rank_applications(call)
    decided = [entry for entry in ranking.entries if entry.host or entry.waitlist_position]
    if not decided:
        raise ValidationError(_("No application has been scored yet."), code="nothing_to_confirm")
    for entry in decided:
        application = entry.application
        if entry.host:
            application.host = entry.host
            if application.status != Status.NOMINATED:
                _move(application, to=Status.NOMINATED, by=by, comment="")
            else:
                application.save(update_fields=["host"])
        else:
            if application.status != Status.WAITLISTED:
                _move(application, to=Status.WAITLISTED, by=by, comment="")
            application.waitlist_position = entry.waitlist_position
            application.save(update_fields=["waitlist_position"])
    call.selection_confirmed_at = timezone.now()
    call.save(update_fields=["selection_confirmed_at"])
    return ranking


TAKEN = (Status.NOMINATED, Status.ACCEPTED, Status.COMPLETED)


def promote_from_waitlist(call: ExchangeCall, *, by: User, leaving: Application | None = None) -> Application | None:
    """After a nominee drops out, nominate the first person waiting who chose a host with a free place.

    Runs under the call's lock (see change_application_status); `leaving` is never the one promoted.
    """
    if call.selection_confirmed_at is None:
        return None
    taken = Application.objects.filter(call=call, status__in=TAKEN)
    if taken.count() >= call.places:
        return None
    capacity = _capacities(call)
    used = Counter(taken.values_list("host_id", flat=True))
    waiting = (
        Application.objects.filter(call=call, status=Status.WAITLISTED)
        .exclude(pk=leaving.pk if leaving else None)
        .order_by(F("waitlist_position").asc(nulls_last=True), "pk")
        .prefetch_related("choices")
    )
    promoted = None
    for application in waiting:
        for choice in application.choices.all():
            limit = capacity.get(choice.partner_id)
            if choice.partner_id in capacity and (limit is None or used[choice.partner_id] < limit):
                promoted = application
                application.host_id = choice.partner_id
                _move(application, to=Status.NOMINATED, by=by, comment="")
                break
        if promoted:
            break
    renumber_waitlist(call)
    return promoted


def renumber_waitlist(call: ExchangeCall) -> None:
    """Close the gaps in the waiting list, keeping its order (places not yet numbered go last)."""
    waiting = list(
        Application.objects.filter(call=call, status=Status.WAITLISTED).order_by(
            F("waitlist_position").asc(nulls_last=True), "pk"
        )
    )
    for position, application in enumerate(waiting, 1):
        application.waitlist_position = position
    Application.objects.bulk_update(waiting, ["waitlist_position"])


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
    mobility.save()
    return mobility


@transaction.atomic
def approve_learning_agreement(mobility: Mobility, *, by: User) -> Mobility:
    """A coordinator approves the courses of a learning agreement; it needs at least one course."""
    if not (may_decide(by) or by.role == User.Role.FACULTY):
        raise PermissionDenied
    if not LearningAgreementCourse.objects.filter(mobility=mobility).exists():
        raise ValidationError(_("Add the courses before approving the learning agreement."), code="no_courses")
    mobility.learning_agreement_approved_by = by
    mobility.learning_agreement_approved_at = timezone.now()
    mobility.save(update_fields=["learning_agreement_approved_by", "learning_agreement_approved_at"])
    return mobility


def withdraw_learning_agreement_approval(mobility: Mobility) -> None:
    """Changed courses need a new approval: the old one no longer covers them."""
    Mobility.objects.filter(pk=mobility.pk).update(
        learning_agreement_approved_by=None, learning_agreement_approved_at=None
    )
