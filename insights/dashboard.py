"""The dashboard on the admin index: what needs attention now and how the year goes, each figure with its list.

Every figure is counted with the same filter as the admin list it links to, so following a link shows as many
rows as the figure said. Office staff see everything; a faculty member what they coordinate (agreements they
coordinate, calls they review, visits they travel on, items they own), without links to lists the admin does not
show them. A fixed number of queries, whatever the data.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from accounts.roles import is_office
from mobility.models import Application, ExchangeCall, Mobility
from notifications.models import Email, Notification
from partnerships.models import Agreement
from visits.models import Outcome, Visit

from .charts import Cell, Chart, Row
from .health import academic_year_bounds, academic_year_label, academic_year_of
from .models import RenewalReview

YEARS_SHOWN = 5
TOP_ROWS = 10
OPEN_ITEM = [Outcome.Status.OPEN, Outcome.Status.IN_PROGRESS]
REALISED = [Mobility.Status.PLANNED, Mobility.Status.ONGOING, Mobility.Status.COMPLETED]


class Links:
    """Admin list addresses with their filters, only for lists the reader may open."""

    def __init__(self, user):
        self.user = user

    def __call__(self, model, **filters) -> str:
        meta = model._meta
        if not self.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            return ""
        query = {
            name: ",".join(map(str, value)) if isinstance(value, list | tuple) else value
            for name, value in filters.items()
        }
        address = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        return f"{address}?{urlencode(query)}" if query else address


def _ids(values) -> list:
    """An `__in` filter's values; a list with nothing in it matches nothing (the admin refuses an empty value)."""
    return list(values) or [0]


def agreements_chart(user, links, today: date) -> Chart:
    agreements = Agreement.objects.all() if is_office(user) else Agreement.objects.filter(coordinator=user)
    windows = {
        f"in_{days}": Count(
            "pk",
            filter=Q(
                status=Agreement.Status.ACTIVE, valid_until__gte=today, valid_until__lte=today + timedelta(days=days)
            ),
        )
        for days in Agreement.EXPIRY_WINDOWS
    }
    # Only the rows some figure counts, read by the index on status and end date instead of every agreement.
    counted = Q(status=Agreement.Status.AWAITING_SIGNATURE) | Q(
        status=Agreement.Status.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=max(Agreement.EXPIRY_WINDOWS)),
    )
    counts = agreements.filter(counted).aggregate(
        **windows, awaiting=Count("pk", filter=Q(status=Agreement.Status.AWAITING_SIGNATURE))
    )
    rows = [
        Row(
            _("Expiring in %(days)d days") % {"days": days},
            [
                Cell(
                    counts[f"in_{days}"],
                    links(Agreement, expiry=days),  # the list's own filter, so its sidebar shows it chosen
                )
            ],
        )
        for days in Agreement.EXPIRY_WINDOWS
    ]
    rows.append(
        Row(
            _("Awaiting signature"),
            [Cell(counts["awaiting"], links(Agreement, status__exact=Agreement.Status.AWAITING_SIGNATURE))],
        )
    )
    return Chart(
        "agreements",
        _("Agreements"),
        _("Active agreements that expire within 30, 90 and 180 days, and agreements awaiting signature."),
        [_("agreements")],
        rows,
    )


def calls_chart(user, links, now) -> Chart:
    calls = ExchangeCall.objects.open(now)
    if not is_office(user):
        calls = calls.filter(reviewers=user)
    week = now + timedelta(days=7)
    open_calls = list(calls.values_list("pk", "closes_at"))
    open_ids = [pk for pk, _closes in open_calls]
    closing_ids = [pk for pk, closes_at in open_calls if closes_at <= week]
    by_status = {}
    for status, closing, number in (
        Application.objects.filter(call__in=open_ids)
        .values_list("status")
        .annotate(closing=Count("pk", filter=Q(call__in=closing_ids)), number=Count("pk"))
        .values_list("status", "closing", "number")
        .order_by()
    ):
        by_status[status] = (number, closing)
    rows = [
        Row(
            _("Calls"),
            [
                Cell(len(open_ids), links(ExchangeCall, id__in=_ids(open_ids))),
                Cell(len(closing_ids), links(ExchangeCall, id__in=_ids(closing_ids))),
            ],
        )
    ]
    for status in Application.Status:
        number, closing = by_status.get(status.value, (0, 0))
        if number:
            rows.append(
                Row(
                    status.label,
                    [
                        Cell(number, links(Application, call__in=_ids(open_ids), status__exact=status.value)),
                        Cell(closing, links(Application, call__in=_ids(closing_ids), status__exact=status.value)),
                    ],
                )
            )
    return Chart(
        "calls",
        _("Exchange calls"),
        _("Calls open now and those closing within seven days, with their applications by status."),
        [_("open now"), _("closing this week")],
        rows,
    )


def visits_chart(user, links, today: date) -> Chart:
    visits = Visit.objects.all() if is_office(user) else Visit.objects.filter(members__user=user).distinct()
    upcoming = visits.upcoming(today).count()
    overdue = visits.report_overdue(today).count()
    return Chart(
        "visits",
        _("Visits"),
        _("Visits still to come, and visits whose trip report is overdue."),
        [_("visits")],
        [
            Row(_("Upcoming"), [Cell(upcoming, links(Visit, timing="upcoming"))]),
            Row(_("Report overdue"), [Cell(overdue, links(Visit, timing="overdue"))]),
        ],
    )


def action_items_chart(user, links, today: date) -> Chart:
    items = Outcome.objects.filter(kind=Outcome.Kind.ACTION, status__in=OPEN_ITEM, due_on__lt=today)
    reviews = RenewalReview.objects.open().filter(due_on__lt=today)
    if not is_office(user):
        items, reviews = items.filter(owner=user), reviews.filter(owner=user)
    owners = {}
    for owner, name, email, number in (
        items.values_list("owner", "owner__full_name", "owner__email").annotate(number=Count("pk")).order_by()
    ):
        owners.setdefault(owner, [name or email or "", 0, 0])[1] = number
    for owner, name, email, number in (
        reviews.values_list("owner", "owner__full_name", "owner__email").annotate(number=Count("pk")).order_by()
    ):
        owners.setdefault(owner, [name or email, 0, 0])[2] = number
    ranked = sorted(owners.items(), key=lambda item: (-(item[1][1] + item[1][2]), item[1][0]))[:TOP_ROWS]
    rows = []
    for owner, (name, number, review_number) in ranked:
        owner_filter = {"owner__id__exact": owner} if owner is not None else {"owner__isnull": "True"}
        rows.append(
            Row(
                name or pgettext_lazy("owner", "Nobody"),
                [
                    Cell(
                        number,
                        links(
                            Outcome,
                            kind__exact=Outcome.Kind.ACTION,
                            status__in=OPEN_ITEM,
                            due_on__lt=today.isoformat(),
                            **owner_filter,
                        ),
                    ),
                    Cell(
                        review_number,
                        links(
                            RenewalReview,
                            status__exact=RenewalReview.Status.OPEN,
                            due_on__lt=today.isoformat(),
                            **owner_filter,
                        ),
                    ),
                ],
            )
        )
    return Chart(
        "action-items",
        _("Overdue action items"),
        _("Open action items of visits and renewal reviews past their due date, by owner."),
        [_("action items"), _("renewal reviews")],
        rows,
    )


def _realised(user):
    mobilities = Mobility.objects.filter(status__in=REALISED)
    return mobilities if is_office(user) else mobilities.filter(agreement__coordinator=user)


def mobility_charts(user, links, today: date) -> list[Chart]:
    current = academic_year_of(today)
    first = current - YEARS_SHOWN + 1
    starts, _ends = academic_year_bounds(first)
    year_starts, year_ends = academic_year_bounds(current)
    mobilities = _realised(user)
    per_year = {}
    for year, month, direction, number in (
        mobilities.filter(starts_on__gte=starts, starts_on__lte=year_ends)
        .annotate(year=ExtractYear("starts_on"), month=ExtractMonth("starts_on"))
        .values_list("year", "month", "direction")
        .annotate(number=Count("pk"))
        .values_list("year", "month", "direction", "number")
        .order_by()
    ):
        key = (year if month >= 9 else year - 1, direction)
        per_year[key] = per_year.get(key, 0) + number
    directions = [Mobility.Direction.OUTGOING, Mobility.Direction.INCOMING]

    def link(direction, begins, finishes, **filters):
        return links(
            Mobility,
            direction__exact=direction,
            status__in=REALISED,
            starts_on__gte=begins.isoformat(),
            starts_on__lte=finishes.isoformat(),
            **filters,
        )

    years = Chart(
        "mobility-years",
        _("Mobility per academic year"),
        _("Outgoing and incoming mobilities (not cancelled) by the academic year they start in."),
        [direction.label for direction in directions],
        [
            Row(
                academic_year_label(year),
                [
                    Cell(per_year.get((year, direction.value), 0), link(direction, *academic_year_bounds(year)))
                    for direction in directions
                ],
            )
            for year in range(first, current + 1)
        ],
    )
    this_year = mobilities.filter(starts_on__gte=year_starts, starts_on__lte=year_ends)
    by_country = {}
    for country, direction, number in (
        this_year.values_list("partner__country", "direction").annotate(number=Count("pk")).order_by()
    ):
        by_country.setdefault(country, {})[direction] = number
    ranked = sorted(by_country.items(), key=lambda item: (-sum(item[1].values()), countries.name(item[0])))
    label = academic_year_label(current)
    country_chart = Chart(
        "mobility-countries",
        _("Mobility by country, %(year)s") % {"year": label},
        _("Outgoing and incoming mobilities of this academic year by the partner's country."),
        [direction.label for direction in directions],
        [
            Row(
                str(countries.name(country)),
                [
                    Cell(
                        numbers.get(direction.value, 0),
                        link(direction, year_starts, year_ends, partner__country__exact=country),
                    )
                    for direction in directions
                ],
            )
            for country, numbers in ranked[:TOP_ROWS]
        ],
    )
    by_type = {}
    for kind, direction, number in (
        this_year.values_list("mobility_type", "direction").annotate(number=Count("pk")).order_by()
    ):
        by_type.setdefault(kind, {})[direction] = number
    type_chart = Chart(
        "mobility-types",
        _("Mobility by type, %(year)s") % {"year": label},
        _("Outgoing and incoming mobilities of this academic year by mobility type."),
        [direction.label for direction in directions],
        [
            Row(
                kind.label,
                [
                    Cell(
                        by_type[kind.value].get(direction.value, 0),
                        link(direction, year_starts, year_ends, mobility_type__exact=kind.value),
                    )
                    for direction in directions
                ],
            )
            for kind in ExchangeCall.MobilityType
            if kind.value in by_type
        ],
    )
    return [years, country_chart, type_chart]


def notices_chart(user, links) -> Chart:
    notices = Notification.objects.filter(email_status=Notification.EmailStatus.FAILED)
    emails = Email.objects.filter(status=Email.Status.FAILED)
    if not is_office(user):
        notices, emails = notices.filter(recipient=user), emails.none()
    return Chart(
        "notices",
        _("Notices that failed to send"),
        _("Notices and other emails whose last attempt to send failed."),
        [_("emails")],
        [
            Row(
                _("Notices"),
                [Cell(notices.count(), links(Notification, email_status__exact=Notification.EmailStatus.FAILED))],
            ),
            Row(_("Other emails"), [Cell(emails.count(), links(Email, status__exact=Email.Status.FAILED))]),
        ],
    )


def dashboard(user, *, now=None) -> list[Chart]:
    """Every chart of the dashboard for this reader, in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    links = Links(user)
    return [
        agreements_chart(user, links, today),
        calls_chart(user, links, now),
        visits_chart(user, links, today),
        action_items_chart(user, links, today),
        *mobility_charts(user, links, today),
        notices_chart(user, links),
    ]
