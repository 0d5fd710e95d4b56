"""Agreement health: what an agreement's cooperation conditions promised each academic year beside what happened.

The rule (README, "Dashboard and agreement health"): in each academic year (1 September to 31 August) an
agreement is
- *used* when its realised mobilities (begun by today and not cancelled, linked to the agreement, of a
  condition's direction and type) fill at least half of the places its conditions promise that year, or, for an
  agreement without conditions that year, when any visit, joint program or research project with its partners
  falls in the year;
- *under-used* when something happened (a mobility, a visit, a program or a project) but fewer than half of the
  promised places were filled;
- *unused* when nothing happened at all.
What is only planned (a mobility or a visit that has not begun) has not happened yet and is not counted.
An agreement's overall health sums the academic years that have begun within its validity (the current year
included), so a new agreement is judged on its first year.
Every figure comes from a fixed number of queries, whatever the number of agreements asked about.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.models import ExchangeCall, Mobility
from partnerships.models import Agreement, CooperationCondition, JointProgram, ResearchProject
from visits.models import Visit

USED_SHARE = Decimal("0.5")
FIRST_MONTH = 9  # an academic year starts on 1 September

# A realised mobility's type (from the call) as the cooperation condition it fills.
CONDITION_TYPE = {
    ExchangeCall.MobilityType.SEMESTER: CooperationCondition.MobilityType.STUDENT_STUDIES,
    ExchangeCall.MobilityType.SCHOOL: CooperationCondition.MobilityType.STUDENT_STUDIES,
    ExchangeCall.MobilityType.MASTER_PRACTICE: CooperationCondition.MobilityType.STUDENT_TRAINEESHIP,
    ExchangeCall.MobilityType.STAFF_TEACHING: CooperationCondition.MobilityType.STAFF_TEACHING,
    ExchangeCall.MobilityType.STAFF_TRAINING: CooperationCondition.MobilityType.STAFF_TRAINING,
    ExchangeCall.MobilityType.DOCTORAL_RESEARCH: CooperationCondition.MobilityType.DOCTORAL_RESEARCH,
}

USED, UNDER_USED, UNUSED = "used", "under_used", "unused"
LABELS = {USED: _("Used"), UNDER_USED: _("Under-used"), UNUSED: _("Unused")}


def academic_year_of(day: date) -> int:
    """The first calendar year of the academic year `day` falls in (2025 for 2025/2026)."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def academic_year_label(first: int) -> str:
    return f"{first}/{first + 1}"


def academic_year_bounds(first: int) -> tuple[date, date]:
    """The first and last day of academic year `first`/`first + 1`."""
    return date(first, FIRST_MONTH, 1), date(first + 1, FIRST_MONTH, 1) - timedelta(days=1)


def classify(*, promised: int, realised: int, activity: int) -> str:
    if promised and realised >= promised * USED_SHARE:
        return USED
    if not promised and activity:
        return USED
    return UNDER_USED if realised or activity else UNUSED


@dataclass
class Line:
    """One condition's promise in one year beside the mobilities that filled it."""

    direction: str
    mobility_type: str
    places: int
    months: Decimal | None
    days: int | None
    realised: int = 0
    realised_months: Decimal = Decimal(0)
    realised_days: int = 0

    @property
    def direction_label(self):
        return Mobility.Direction(self.direction).label

    @property
    def type_label(self):
        return CooperationCondition.MobilityType(self.mobility_type).label


@dataclass
class Year:
    first: int
    lines: list[Line] = field(default_factory=list)
    unmatched: int = 0  # mobilities linked to the agreement that no condition of the year promised
    visits: int = 0
    programs: int = 0
    projects: int = 0

    @property
    def label(self):
        return academic_year_label(self.first)

    @property
    def promised(self):
        return sum(line.places for line in self.lines)

    @property
    def realised(self):
        return sum(min(line.realised, line.places) for line in self.lines)

    @property
    def activity(self):
        return self.visits + self.programs + self.projects + self.unmatched + sum(line.realised for line in self.lines)

    @property
    def state(self):
        return classify(promised=self.promised, realised=self.realised, activity=self.activity)

    @property
    def state_label(self):
        return LABELS[self.state]


@dataclass
class Health:
    agreement: Agreement
    years: list[Year]
    current: int

    @property
    def judged(self) -> list[Year]:
        """The academic years that have begun (the current one included)."""
        return [year for year in self.years if year.first <= self.current]

    @property
    def state(self):
        years = self.judged or self.years[:1]
        return classify(
            promised=sum(year.promised for year in years),
            realised=sum(year.realised for year in years),
            activity=sum(year.activity for year in years),
        )

    @property
    def state_label(self):
        return LABELS[self.state]

    @property
    def promised(self):
        return sum(year.promised for year in self.judged)

    @property
    def realised(self):
        return sum(year.realised for year in self.judged)


def _direction(condition) -> str:
    return Mobility.Direction.OUTGOING if condition.sending_partner_id is None else Mobility.Direction.INCOMING


def _first_year(text: str) -> int:
    return int(text.split("/")[0])


def _span(agreement, conditions, today) -> range:
    """The academic years to show: the agreement's validity, widened to its conditions' years."""
    starts = [academic_year_of(agreement.valid_from or agreement.signed_on or today)]
    ends = [academic_year_of(agreement.valid_until)] if agreement.valid_until else [academic_year_of(today)]
    for condition in conditions:
        starts.append(_first_year(condition.academic_year_from))
        ends.append(_first_year(condition.academic_year_to))
    return range(min(starts), max(max(ends), min(starts)) + 1)


def health_of(agreements, *, today: date | None = None) -> dict[int, Health]:
    """{agreement id: Health} for these agreements (a list of Agreement), in five queries whatever their number."""
    today = today or timezone.localdate()
    agreements = list(agreements)
    ids = [agreement.pk for agreement in agreements]
    conditions = defaultdict(list)
    for condition in CooperationCondition.objects.filter(agreement__in=ids).order_by("pk"):
        conditions[condition.agreement_id].append(condition)
    mobilities = defaultdict(list)
    for row in (
        Mobility.objects.filter(agreement__in=ids, starts_on__lte=today)
        .exclude(status=Mobility.Status.CANCELLED)
        .values_list("agreement", "direction", "mobility_type", "starts_on", "ends_on")
    ):
        mobilities[row[0]].append(row[1:])
    visits = defaultdict(lambda: defaultdict(int))
    for agreement, starts_on in (
        Visit.objects.filter(partners__agreements__in=ids, starts_on__lte=today)
        .exclude(status=Visit.Status.CANCELLED)
        .values_list("partners__agreements", "starts_on")
        .distinct()
    ):
        visits[agreement][academic_year_of(starts_on)] += 1
    programs = defaultdict(set)
    for program, own, through_partner, first_intake in (
        JointProgram.objects.filter(Q(agreement__in=ids) | Q(partners__agreements__in=ids))
        .filter(status=JointProgram.Status.RUNNING)
        .values_list("pk", "agreement", "partners__agreements", "first_intake")
    ):
        for agreement in {own, through_partner} & set(ids):
            programs[agreement].add((program, first_intake))
    projects = defaultdict(set)
    for project, agreement, starts_on, ends_on in (
        ResearchProject.objects.filter(partners__agreements__in=ids)
        .filter(status__in=[ResearchProject.Status.RUNNING, ResearchProject.Status.COMPLETED])
        .values_list("pk", "partners__agreements", "starts_on", "ends_on")
    ):
        projects[agreement].add((project, starts_on, ends_on))

    current = academic_year_of(today)
    result = {}
    for agreement in agreements:
        own_conditions = conditions[agreement.pk]
        years = []
        for first in _span(agreement, own_conditions, today):
            starts, ends = academic_year_bounds(first)
            year = Year(first)
            for condition in own_conditions:
                if _first_year(condition.academic_year_from) <= first <= _first_year(condition.academic_year_to):
                    year.lines.append(
                        Line(
                            _direction(condition),
                            condition.mobility_type,
                            condition.places_per_year,
                            condition.total_months_per_year,
                            condition.total_days_per_year,
                        )
                    )
            for direction, mobility_type, starts_on, ends_on in mobilities[agreement.pk]:
                if academic_year_of(starts_on) != first:
                    continue
                line = next(
                    (
                        line
                        for line in year.lines
                        if line.direction == direction and line.mobility_type == CONDITION_TYPE.get(mobility_type)
                    ),
                    None,
                )
                if line is None:
                    year.unmatched += 1
                    continue
                days = (ends_on - starts_on).days + 1
                line.realised += 1
                line.realised_days += days
                line.realised_months += (Decimal(days) / Decimal("30.4")).quantize(Decimal("0.1"))
            year.visits = visits[agreement.pk][first]
            year.programs = sum(1 for _pk, intake in programs[agreement.pk] if intake is None or intake <= ends)
            year.projects = sum(
                1
                for _pk, begins, finishes in projects[agreement.pk]
                if (begins is None or begins <= ends) and (finishes is None or finishes >= starts)
            )
            years.append(year)
        result[agreement.pk] = Health(agreement, years, current)
    return result


def renewal_horizon() -> int:
    return settings.RENEWAL_REVIEW_HORIZON_DAYS


def to_review(queryset=None, *, today: date | None = None, horizon: int | None = None) -> list[Health]:
    """Active agreements ending within the horizon that are under-used or unused, soonest first."""
    today = today or timezone.localdate()
    horizon = renewal_horizon() if horizon is None else horizon
    agreements = (
        (queryset if queryset is not None else Agreement.objects.all())
        .active()
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=horizon))
        .prefetch_related("partners", "renewal_reviews__owner")
        .order_by("valid_until", "pk")
    )
    found = health_of(agreements, today=today)
    return [health for health in found.values() if health.state != USED]


def health_url(agreement) -> str:
    return reverse("admin:insights_agreementhealth_health", args=[agreement.pk])
