"""The portal's reminder rules for agreements, visits, action items and typo reports, and the office digest.

See `notifications.registry` for how a rule works and how another app adds one. Every rule sends only the
latest stage a late sweep finds due (a reminder 7 days before expiry, not also the missed one at 30 days):
an old reminder says nothing the newest does not, and a burst of them would be noise.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.backends import is_office
from accounts.models import User
from config.text import join_list
from partnerships.models import Agreement, JointProgram, ResearchProject
from visits.models import DelegationMember, Outcome, Visit

from .registry import Candidate, Rule, register, stage_after, stage_before, unclaimed

TWO_YEARS = timedelta(days=730)
OFFICE_AND_FACULTY = ("faculty", "staff")


def _people(*ids, office=()):
    """Unique recipient ids in order, without the empty ones."""
    return list(dict.fromkeys(pk for pk in (*ids, *office) if pk))


def _admin_or_inbox(obj, recipient):
    """The object's admin page for office staff, the notification list for everyone else."""
    if is_office(recipient) or recipient.is_superuser:
        meta = obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return reverse("notifications:notification_list")


class AgreementRule(Rule):
    roles = OFFICE_AND_FACULTY

    def link(self, agreement, recipient):
        return reverse("admin:partnerships_agreement_change", args=[agreement.pk])

    def details(self, agreement, notification):
        partners = join_list(str(partner) for partner in agreement.partners.all())
        return [gettext("Partners: %(partners)s") % {"partners": partners}] if partners else []

    def _to_coordinator_and_office(self, agreements, office):
        rows = unclaimed(agreements, self.key).values_list("pk", "stage", "coordinator_id", "coordinator__is_active")
        for pk, stage, coordinator, active in rows.iterator(chunk_size=2000):
            for recipient in _people(coordinator if active else None, office=office):
                yield Candidate(Agreement, pk, stage, recipient)


@register
class AgreementExpiry(AgreementRule):
    key = "agreement_expiry"
    label = _("Agreements about to expire")
    default_offsets = (180, 90, 30, 7)

    def candidates(self, *, today, offsets, office):
        """Active agreements that end within the window, to their coordinator and the office.

        Automatically renewed agreements are left to the notice-deadline rule.
        """
        window = stage_before("valid_until", today=today, offsets=offsets)
        agreements = Agreement.objects.active().filter(window.filter, auto_renewal=False).annotate(stage=window.stage)
        return self._to_coordinator_and_office(agreements, office)

    def message(self, agreement, notification):
        return gettext("The agreement «%(agreement)s» expires on %(date)s.") % {
            "agreement": agreement.title,
            "date": date_format(agreement.valid_until),
        }


def notice_deadline(agreement) -> date:
    return agreement.valid_until - timedelta(days=agreement.renewal_notice_days)


@register
class AgreementRenewalNotice(AgreementRule):
    key = "agreement_renewal_notice"
    label = _("Notice deadlines of automatically renewed agreements")
    offsets_help = _("Days before the last day to give notice, separated by commas.")
    default_offsets = (60, 14)
    required = True  # a missed deadline binds the university for another term

    def candidates(self, *, today, offsets, office):
        """Auto-renewing agreements whose notice deadline is within the window.

        The deadline is computed here rather than in SQL (date arithmetic differs between databases); there
        are few such agreements, and the unique key still stops a repeat.
        """
        if not offsets:
            return
        stages = sorted(set(offsets))
        agreements = Agreement.objects.active().filter(
            auto_renewal=True, renewal_notice_days__gt=0, valid_until__gte=today
        )
        for pk, valid_until, notice_days, coordinator, active in agreements.values_list(
            "pk", "valid_until", "renewal_notice_days", "coordinator_id", "coordinator__is_active"
        ).iterator(chunk_size=2000):
            deadline = valid_until - timedelta(days=notice_days)
            days_left = (deadline - today).days
            stage = next((f"{offset}@{deadline.isoformat()}" for offset in stages if 0 <= days_left <= offset), None)
            if stage is not None:
                for recipient in _people(coordinator if active else None, office=office):
                    yield Candidate(Agreement, pk, stage, recipient)

    def message(self, agreement, notification):
        return gettext("The agreement «%(agreement)s» renews automatically unless notice is given by %(date)s.") % {
            "agreement": agreement.title,
            "date": date_format(notice_deadline(agreement)),
        }


# What counts as using an agreement, each an Exists over the agreement's OuterRef("pk") given (since, today).
ACTIVITY: list[Callable[[date, date], Exists]] = [
    lambda since, today: Exists(
        Visit.objects.filter(partners__agreements=OuterRef("pk"), starts_on__gte=since, starts_on__lte=today).exclude(
            status=Visit.Status.CANCELLED
        )
    ),
    lambda since, today: Exists(
        ResearchProject.objects.filter(partners__agreements=OuterRef("pk"))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since), Q(starts_on__isnull=True) | Q(starts_on__lte=today))
        .filter(status__in=[ResearchProject.Status.RUNNING, ResearchProject.Status.COMPLETED])
    ),
    lambda since, today: Exists(
        JointProgram.objects.filter(
            Q(agreement=OuterRef("pk")) | Q(partners__agreements=OuterRef("pk")), status=JointProgram.Status.RUNNING
        )
    ),
]


def register_agreement_activity(source: Callable[[date, date], Exists]) -> None:
    """Count another kind of record as use of an agreement, e.g. mobilities:

    register_agreement_activity(lambda since, today: Exists(
        Mobility.objects.filter(agreement=OuterRef("pk"), starts_on__range=(since, today))))
    """
    ACTIVITY.append(source)


@register
class AgreementUnused(AgreementRule):
    key = "agreement_unused"
    label = _("Agreements unused for two years, to review before renewal")
    offsets_help = _("Days before the end of the agreement when it is flagged, separated by commas.")
    default_offsets = (180,)

    def candidates(self, *, today, offsets, office):
        """Agreements in force for two years with no visit, project or program (or mobility) in that time."""
        since = today - TWO_YEARS
        window = stage_before("valid_until", today=today, offsets=offsets)
        agreements = (
            Agreement.objects.active().filter(window.filter, valid_from__lte=since).annotate(stage=window.stage)
        )
        for source in ACTIVITY:
            agreements = agreements.exclude(source(since, today))
        return self._to_coordinator_and_office(agreements, office)

    def message(self, agreement, notification):
        return gettext("The agreement «%(agreement)s» has not been used for two years: review it before %(date)s.") % {
            "agreement": agreement.title,
            "date": date_format(agreement.valid_until),
        }


class VisitRule(Rule):
    def link(self, visit, recipient):
        return _admin_or_inbox(visit, recipient)


@register
class VisitPreparation(VisitRule):
    key = "visit_preparation"
    label = _("Preparing a visit you travel on")
    offsets_help = _("Days before departure, separated by commas.")
    default_offsets = (14, 3)

    def candidates(self, *, today, offsets, office):
        """Members with an account of an approved or confirmed outgoing delegation, before departure."""
        window = stage_before("visit__starts_on", today=today, offsets=offsets)
        members = DelegationMember.objects.filter(
            window.filter,
            visit__direction=Visit.Direction.OUTGOING,
            visit__status__in=[Visit.Status.APPROVED, Visit.Status.CONFIRMED],
            visit__precision=Visit.Precision.DAY,
            user__is_active=True,
        ).annotate(stage=window.stage)
        rows = unclaimed(members, self.key, model=Visit, object_field="visit_id", recipient_field="user_id")
        for visit, stage, user in rows.values_list("visit_id", "stage", "user_id").iterator(chunk_size=2000):
            yield Candidate(Visit, visit, stage, user)

    def message(self, visit, notification):
        return gettext("The visit «%(visit)s» starts on %(date)s: time to check the preparations.") % {
            "visit": visit.title,
            "date": date_format(visit.starts_on),
        }

    def details(self, visit, notification):
        return [
            gettext("Invitation letter received"),
            gettext("Visa, where one is needed"),
            gettext("Tickets and accommodation booked"),
            gettext("Programme agreed with the hosts"),
        ]


def _report_writers(visits, key, office=()):
    """Per due visit: its head(s) of delegation with an account, or else every member with one; plus the office."""
    rows = unclaimed(visits, key).values_list("pk", "stage", "members__user_id", "members__role")
    writers, heads, stages = defaultdict(list), defaultdict(list), {}
    for visit, stage, user, role in rows.iterator(chunk_size=2000):
        stages[visit] = stage
        if user:
            (heads if role == DelegationMember.Role.HEAD else writers)[visit].append(user)
    active = set(
        User.objects.filter(
            pk__in={u for group in (*writers.values(), *heads.values()) for u in group}, is_active=True
        ).values_list("pk", flat=True)
    )
    for visit, stage in stages.items():
        people = [user for user in heads.get(visit) or writers.get(visit, []) if user in active]
        for recipient in _people(*people, office=office):
            yield Candidate(Visit, visit, stage, recipient)


def _unreported(visits):
    return visits.filter(
        status__in=[Visit.Status.IN_PROGRESS, Visit.Status.COMPLETED], ends_on__isnull=False, report__isnull=True
    )


@register
class VisitReportDue(VisitRule):
    key = "visit_report_due"
    label = _("Trip reports to write after a visit")
    offsets_help = _("Days after the end of the visit, separated by commas.")
    default_offsets = (0,)

    def candidates(self, *, today, offsets, office):
        """The head of delegation (or the members) when the visit ends without a report yet."""
        window = stage_after("ends_on", today=today, offsets=offsets)
        visits = _unreported(Visit.objects.filter(window.filter)).annotate(stage=window.stage)
        return _report_writers(visits, self.key)

    def message(self, visit, notification):
        due = visit.ends_on + timedelta(days=Visit.REPORT_DUE_DAYS)
        return gettext("Please write the report on the visit «%(visit)s» by %(date)s.") % {
            "visit": visit.title,
            "date": date_format(due),
        }


@register
class VisitReportOverdue(VisitRule):
    key = "visit_report_overdue"
    label = _("Overdue trip reports")
    offsets_help = _("Days after the report was due, separated by commas.")
    default_offsets = (0, 14)
    required = True

    def candidates(self, *, today, offsets, office):
        """The head of delegation (or the members) and the office, once the report is overdue."""
        window = stage_after("ends_on", today=today, offsets=offsets, shift=Visit.REPORT_DUE_DAYS + 1)
        visits = _unreported(Visit.objects.filter(window.filter)).annotate(stage=window.stage)
        return _report_writers(visits, self.key, office)

    def message(self, visit, notification):
        due = visit.ends_on + timedelta(days=Visit.REPORT_DUE_DAYS)
        return gettext("The report on the visit «%(visit)s» was due on %(date)s and is still missing.") % {
            "visit": visit.title,
            "date": date_format(due),
        }


class OutcomeRule(Rule):
    window = staticmethod(stage_before)

    def candidates(self, *, today, offsets, office):
        """Open action items with an owner who has an account, to that owner."""
        window = self.window("due_on", today=today, offsets=offsets)
        items = Outcome.objects.filter(
            window.filter, status__in=[Outcome.Status.OPEN, Outcome.Status.IN_PROGRESS], owner__is_active=True
        ).annotate(stage=window.stage)
        for pk, stage, owner in unclaimed(items, self.key).values_list("pk", "stage", "owner_id").iterator(2000):
            yield Candidate(Outcome, pk, stage, owner)

    def link(self, outcome, recipient):
        return _admin_or_inbox(outcome, recipient)


@register
class OutcomeDueSoon(OutcomeRule):
    key = "outcome_due_soon"
    label = _("Action items of visits falling due")
    default_offsets = (7, 1)

    def message(self, outcome, notification):
        return gettext("Your action item is due on %(date)s: %(item)s") % {
            "item": outcome,
            "date": date_format(outcome.due_on),
        }


@register
class OutcomeOverdue(OutcomeRule):
    key = "outcome_overdue"
    label = _("Overdue action items of visits")
    offsets_help = _("Days after the due date, separated by commas.")
    default_offsets = (1, 14)
    window = staticmethod(stage_after)

    def message(self, outcome, notification):
        return gettext("Your action item was due on %(date)s: %(item)s") % {
            "item": outcome,
            "date": date_format(outcome.due_on),
        }


@register
class TypoReported(Rule):
    """Sent by visits.services.notify_typo_report when a reader reports a mistake; not swept."""

    key = "typo_report"
    label = _("Mistakes reported by readers")
    offsets_help = _("Sent at once; days are not used.")
    roles = ("staff",)

    def message(self, report, notification):
        return gettext("Typo reported on %(page)s") % {"page": report.url}

    def details(self, report, notification):
        lines = [gettext("A reader reported a mistake on %(page)s:") % {"page": report.url}, f"«{report.selection}»"]
        if report.context:
            lines.append(gettext("Around it: …%(context)s…") % {"context": report.context})
        if report.comment:
            lines.append(pgettext("notice", "Comment: %(comment)s") % {"comment": report.comment})
        lines.append(gettext("Review and close the report in the admin."))
        return lines

    def link(self, report, recipient):
        return reverse("admin:visits_typoreport_change", args=[report.pk])


def week_stage(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_items(today: date, days: int) -> dict[str, list]:
    """What the office should look at: agreements expiring, visits starting, reports and action items overdue."""
    until = today + timedelta(days=days)
    return {
        "expiring": list(Agreement.objects.active().filter(valid_until__range=(today, until)).order_by("valid_until")),
        "starting": list(
            Visit.objects.filter(starts_on__range=(today, until))
            .exclude(status=Visit.Status.CANCELLED)
            .order_by("starts_on")
        ),
        "reports": list(Visit.objects.report_overdue(today).order_by("ends_on")),
        "items": list(
            Outcome.objects.filter(
                due_on__lt=today, status__in=[Outcome.Status.OPEN, Outcome.Status.IN_PROGRESS]
            ).order_by("due_on")
        ),
    }


@register
class OfficeDigest(Rule):
    """Once a week, to each office staff member: the notice's object is the recipient, its stage the week."""

    key = "office_digest"
    label = _("Weekly digest for the international office")
    offsets_help = _("How many days ahead the digest looks (one number).")
    default_offsets = (28,)
    roles = ("staff",)

    def candidates(self, *, today, offsets, office):
        if not offsets or not office:
            return
        from .models import Notification

        stage = week_stage(today)
        done = set(Notification.objects.filter(rule=self.key, stage=stage).values_list("recipient_id", flat=True))
        waiting = [pk for pk in office if pk not in done]
        if waiting and any(digest_items(today, max(offsets)).values()):
            for pk in waiting:
                yield Candidate(User, pk, stage, pk)

    def message(self, user, notification):
        year, week = notification.stage.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        return gettext("Weekly digest of the international office, week of %(date)s") % {"date": date_format(monday)}

    def details(self, user, notification):
        from .models import ReminderRule

        row = ReminderRule.objects.filter(key=self.key).first()
        days = max(row.offset_list if row and row.offset_list else self.default_offsets)
        year, week = notification.stage.split("-W")
        items = digest_items(date.fromisocalendar(int(year), int(week), 1), days)
        lines = []
        for agreement in items["expiring"]:
            lines.append(
                pgettext("digest", "Expires on %(date)s: %(name)s")
                % {"date": date_format(agreement.valid_until), "name": agreement.title}
            )
        for visit in items["starting"]:
            lines.append(
                pgettext("digest", "Starts on %(date)s: %(name)s")
                % {"date": date_format(visit.starts_on), "name": visit.title}
            )
        for visit in items["reports"]:
            lines.append(
                pgettext("digest", "Report overdue since %(date)s: %(name)s")
                % {"date": date_format(visit.ends_on + timedelta(days=Visit.REPORT_DUE_DAYS)), "name": visit.title}
            )
        for outcome in items["items"]:
            lines.append(
                pgettext("digest", "Action item overdue since %(date)s: %(name)s")
                % {"date": date_format(outcome.due_on), "name": outcome}
            )
        return lines

    def link(self, user, recipient):
        return reverse("admin:index")
