"""Reviews, the ranking of a call's applications, the confirmed selection and its waiting list."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import may_confirm_selection, may_review
from config import pagecache
from config.history import default_reason
from config.personalcache import SIGNED_IN
from partnerships.models import Partner

from ..models import Application, CallHost, ExchangeCall, HostChoice, Review, Score
from .transitions import lock_call, move_application

Status = Application.Status
TAKEN = (Status.NOMINATED, Status.ACCEPTED, Status.COMPLETED)  # the statuses that hold a place


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
    review = Review.objects.filter(application=application, reviewer=reviewer).first()
    review = review or Review(application=application, reviewer=reviewer)
    review.comment, review._history_user, review._change_reason = comment, reviewer, default_reason(review)
    review.save()
    for pk, value in points.items():
        Score(review=review, criterion=criteria[pk], points=value).full_clean(
            exclude=["review"], validate_constraints=False
        )
    for pk, value in points.items():  # one by one, so each change of points is kept in the history (and by whom)
        score = review.scores.filter(criterion=criteria[pk]).first() or Score(review=review, criterion=criteria[pk])
        score.points, score._history_user, score._change_reason = value, reviewer, default_reason(score)
        score.save()
    if application.status == Status.SUBMITTED:
        move_application(application, to=Status.UNDER_REVIEW, by=reviewer, comment="")
    return review


@dataclass
class RankedApplication:
    application: Application
    score: Decimal | None
    position: int | None = None
    host: Partner | None = None
    waitlist_position: int | None = None
    choices: list[int] = field(default_factory=list)
    has_priority: bool = False
    tie_broken_by: str = ""
    reviews: int = 0
    stage: str = ""


# Where an applicant of a call with a second stage who takes no part in the decision stands.
AWAITING_SECOND_STAGE = "awaiting_second_stage"
NOT_SHORTLISTED = "not_shortlisted"


@dataclass
class Ranking:
    call: ExchangeCall
    entries: list[RankedApplication]
    unscored: list[RankedApplication] = field(default_factory=list)

    @property
    def nominated(self) -> int:
        """How many the ranking gives a place."""
        return sum(1 for entry in self.entries if entry.host)

    @property
    def waiting(self) -> int:
        """How many it puts on the waiting list (those awaiting a second stage are neither)."""
        return sum(1 for entry in self.entries if entry.waitlist_position)


def rank_applications(call: ExchangeCall) -> Ranking:
    """Rank the call's applications by average weighted score and fill the places in order of choice.

    A review's score is the sum of points * weight / 100 over the call's criteria, counted once every criterion has
    points; an application's score is the average of its complete reviews. Ties are broken, in this order,
    by a priority category, the higher GPA, then the earlier submission; each entry says which decided.
    Nobody is placed before a complete review. Runs in a constant number of queries, reading bare values.
    """
    weights = dict(call.criteria.values_list("pk", "weight"))

    def in_selection(prefix=""):
        # Those in selection, and everyone a confirmed selection ranked, whatever became of them since.
        return Q(**{f"{prefix}status__in": Application.RANKED_STATUSES}) | Q(
            **{f"{prefix}selection_rank__isnull": False}
        )

    applications = list(
        call.applications.filter(in_selection()).select_related("applicant", "priority_category", "host")
    )
    points = defaultdict(lambda: defaultdict(dict))
    for application_id, review_id, criterion_id, value in Score.objects.filter(
        in_selection("review__application__"), review__application__call=call
    ).values_list("review__application_id", "review_id", "criterion_id", "points"):
        points[application_id][review_id][criterion_id] = value
    choices = defaultdict(list)
    for application_id, partner_id in (
        HostChoice.objects.filter(in_selection("application__"), application__call=call)
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
        # The ranks of a confirmed selection come first and in their order; anyone scored later follows.
        return (
            app.selection_rank is None,
            app.selection_rank or 0,
            -entry.score,
            not entry.has_priority,
            -(app.gpa or 0),
            submitted,
            app.pk,
        )

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


class Places:
    """The one rule of who may hold a place: never more than the call's places, nor more than a host's own.

    Built from the applications that hold a place now; the ranking, a promotion from the waiting list and a
    nomination by office staff all ask it for a free host and take the place they get.
    """

    def __init__(self, call: ExchangeCall, *, held: list[int | None]):
        self.total = call.places
        self.capacity = dict(CallHost.objects.filter(call=call).values_list("partner_id", "places"))
        self.used = Counter(held)
        self.filled = len(held)

    @classmethod
    def of(cls, call: ExchangeCall, *, statuses=None, leaving: Application | None = None) -> "Places":
        """The places as the applications in these statuses (by default every nominee) hold them."""
        holders = Application.objects.filter(call=call, status__in=statuses or TAKEN)
        if leaving is not None:
            holders = holders.exclude(pk=leaving.pk)
        return cls(call, held=list(holders.values_list("host_id", flat=True)))

    def free_host(self, choices: list[int]) -> int | None:
        """The first of these hosts (in the applicant's order) that still has a place, or None."""
        if self.filled >= self.total:
            return None
        for partner_id in choices:
            limit = self.capacity.get(partner_id, 0)
            if partner_id in self.capacity and (limit is None or self.used[partner_id] < limit):
                return partner_id
        return None

    def take(self, partner_id: int) -> None:
        self.used[partner_id] += 1
        self.filled += 1


def _allocate(call: ExchangeCall, ranked: list[RankedApplication], *, hosts: dict[int, Partner]) -> None:
    """Give each applicant, best first, their highest choice that still has a place; the rest wait in order."""
    # Places already held by people outside the ranking (accepted by the host, completed) stay theirs.
    places = Places.of(call, statuses=[Status.ACCEPTED, Status.COMPLETED])
    waiting = 0
    # With a second stage (an interview), only those shortlisted after it take part in the decision.
    deciding = {Status.SHORTLISTED, Status.NOMINATED, Status.WAITLISTED} if call.has_second_stage else None
    for position, entry in enumerate(ranked, 1):
        entry.position = position
        if entry.application.status not in Application.RANKED_STATUSES:
            # Ranked at the confirmation and decided since (accepted by the host, withdrawn, ...): shown as they are,
            # an accepted or completed one at the host whose place is counted above.
            if entry.application.status in (Status.ACCEPTED, Status.COMPLETED):
                entry.host = entry.application.host
            continue
        if deciding and entry.application.status not in deciding:
            # Before the selection is confirmed they still wait for the second stage; after it, they were not
            # shortlisted.
            entry.stage = NOT_SHORTLISTED if call.selection_confirmed_at else AWAITING_SECOND_STAGE
            continue
        partner_id = places.free_host(entry.choices)
        if partner_id is not None:
            entry.host = hosts[partner_id]
            places.take(partner_id)
        if entry.host is None:
            waiting += 1
            entry.waitlist_position = waiting


@transaction.atomic
def close_call_early(call: ExchangeCall, *, by: User, now=None) -> ExchangeCall:
    """Close an open call's applications now, so its selection can be confirmed before the deadline.

    Only office staff who take no part in the call; who closed it and when is kept on the call and in its history.
    """
    if not may_confirm_selection(by, call):
        raise PermissionDenied
    call = lock_call(call)
    now = now or timezone.now()
    if call.has_closed(now):
        raise ValidationError(_("Applications to this call are already closed."), code="already_closed")
    if now <= call.opens_at:
        raise ValidationError(_("This call has not opened yet: it cannot be closed early."), code="not_open")
    call.closes_at = now
    call.closed_early_at = now
    call.closed_early_by = by
    call._history_user = by
    call._change_reason = "closed early"
    call.full_clean()
    call.save(update_fields=["closes_at", "closed_early_at", "closed_early_by"])
    return call


@transaction.atomic
def confirm_selection(call: ExchangeCall, *, by: User, now=None) -> Ranking:
    """Turn the ranking into decisions: nominees with their host, the others on the waiting list in order.

    Only office staff confirm, and only once the call is closed (at its deadline or early, see close_call_early);
    every applicant is told of their new status after commit.
    """
    if not may_confirm_selection(by, call):
        raise PermissionDenied  # nobody confirms a selection they take part in
    call = lock_call(call)
    if call.selection_confirmed_at:
        raise ValidationError(
            _(
                "The selection of this call was confirmed on %(at)s: it cannot be confirmed again. Change the status "
                "of a single application instead."
            ),
            params={"at": formats.date_format(timezone.localtime(call.selection_confirmed_at), "DATETIME_FORMAT")},
            code="already_confirmed",
        )
    if not call.has_closed(now):
        raise ValidationError(
            _(
                "Applications are accepted until %(deadline)s: the selection can be confirmed once the call is "
                "closed. Close it early first if every applicant has been heard."
            ),
            params={"deadline": formats.date_format(timezone.localtime(call.closes_at), "DATETIME_FORMAT")},
            code="call_still_open",
        )
    ranking = rank_applications(call)
    decided = [
        entry
        for entry in ranking.entries
        if entry.application.status in Application.RANKED_STATUSES and (entry.host or entry.waitlist_position)
    ]
    if not decided:
        raise ValidationError(_("No application has been scored yet."), code="nothing_to_confirm")
    for entry in decided:
        application = entry.application
        application.selection_rank = entry.position
        application.save(update_fields=["selection_rank"])
        if entry.host:
            application.host = entry.host
            if application.status != Status.NOMINATED:
                move_application(application, to=Status.NOMINATED, by=by, comment="")
            else:
                application.save(update_fields=["host"])
        else:
            if application.status != Status.WAITLISTED:
                move_application(application, to=Status.WAITLISTED, by=by, comment="")
            application.waitlist_position = entry.waitlist_position
            application.save(update_fields=["waitlist_position"])
    call.selection_confirmed_at = timezone.now()
    call.save(update_fields=["selection_confirmed_at"])
    return ranking


def promote_from_waitlist(call: ExchangeCall, *, by: User, leaving: Application | None = None) -> Application | None:
    """After a nominee drops out, nominate the first person waiting who chose a host with a free place.

    Runs under the call's lock (see change_application_status); `leaving` is never the one promoted.
    """
    if call.selection_confirmed_at is None:
        return None
    places = Places.of(call, leaving=leaving)
    waiting = (
        Application.objects.filter(call=call, status=Status.WAITLISTED)
        .exclude(pk=leaving.pk if leaving else None)
        .order_by(F("waitlist_position").asc(nulls_last=True), "pk")
        .prefetch_related("choices")
    )
    promoted = None
    for application in waiting:
        partner_id = places.free_host([choice.partner_id for choice in application.choices.all()])
        if partner_id is not None:
            promoted = application
            application.host_id = partner_id
            move_application(application, to=Status.NOMINATED, by=by, comment="")
            break
    renumber_waitlist(call)
    return promoted


def nominate(application: Application, *, by: User, comment: str = "") -> Application:
    """Nominate one application by hand (office staff): to its first chosen host with a free place, never beyond
    the call's or the host's places. Runs under the call's lock (see change_application_status)."""
    places = Places.of(application.call, leaving=application)
    choices = (
        [application.host_id]
        if application.host_id
        else list(application.choices.order_by("rank").values_list("partner_id", flat=True))
    )
    if not choices:
        raise ValidationError(_("The application chose no host institution."), code="no_host")
    partner_id = places.free_host(choices)
    if partner_id is None:
        raise ValidationError(
            _("No place is left at the host institutions this applicant chose: every place is taken."),
            code="no_place",
        )
    application.host_id = partner_id
    return move_application(application, to=Status.NOMINATED, by=by, comment=comment)


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
    pagecache.content_changed(SIGNED_IN)  # a bulk update sends no signal
