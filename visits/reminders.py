"""Reminders of visits: preparing a trip, trip reports due and overdue, action items, typo reports, and the
office's weekly digest (here, the lowest app that reads both agreements and visits).

See `notifications.registry` for how a rule works; like every rule, these send only the latest stage a late sweep
finds due.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import is_office
from notifications.models import Notification, ReminderRule
from notifications.registry import Candidate, Rule, people, register, stage_after, stage_before, unclaimed
from partnerships.models import Agreement
from partnerships.reminders import register_agreement_activity

from .models import DelegationMember, Outcome, Visit


def _admin_or_inbox(obj, recipient):
    """The object's admin page for office staff, the notification list for everyone else."""
    if is_office(recipient):
        meta = obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return reverse("notifications:notification_list")


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
        chosen = [user for user in heads.get(visit) or writers.get(visit, []) if user in active]
        for recipient in people(*chosen, office=office):
            yield Candidate(Visit, visit, stage, recipient)


@register
class VisitReportDue(VisitRule):
    key = "visit_report_due"
    label = _("Trip reports to write after a visit")
    offsets_help = _("Days after the end of the visit, separated by commas.")
    default_offsets = (0,)

    def candidates(self, *, today, offsets, office):
        """The head of delegation (or the members) when the visit ends without a report yet."""
        window = stage_after("ends_on", today=today, offsets=offsets)
        visits = Visit.objects.report_missing().filter(window.filter).annotate(stage=window.stage)
        return _report_writers(visits, self.key)

    def message(self, visit, notification):
        return gettext("Please write the report on the visit «%(visit)s» by %(date)s.") % {
            "visit": visit.title,
            "date": date_format(visit.report_due_on),
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
        # The stages count from the first overdue day; report_overdue is the one definition of that day.
        window = stage_after("ends_on", today=today, offsets=offsets, shift=Visit.REPORT_OVERDUE_AFTER_DAYS)
        visits = Visit.objects.report_overdue(today).filter(window.filter).annotate(stage=window.stage)
        return _report_writers(visits, self.key, office)

    def message(self, visit, notification):
        return gettext("The report on the visit «%(visit)s» was due on %(date)s and is still missing.") % {
            "visit": visit.title,
            "date": date_format(visit.report_due_on),
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


def page_address(report) -> str:
    """The reported page's full address: the office opens it from the email."""
    return settings.PORTAL_URL.rstrip("/") + report.url


@register
class TypoReported(Rule):
    """Sent by visits.services.notify_typo_report when a reader reports a mistake; not swept."""

    key = "typo_report"
    label = _("Mistakes reported by readers")
    offsets_help = _("Sent at once; days are not used.")
    roles = (User.Role.STAFF,)

    def message(self, report, notification):
        return gettext("Typo reported on %(page)s") % {"page": page_address(report)}

    def details(self, report, notification):
        lines = [gettext("A reader reported a mistake on %(page)s:") % {"page": page_address(report)}]
        lines.append(f"«{report.selection}»")
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
    roles = (User.Role.STAFF,)

    def candidates(self, *, today, offsets, office):
        if not offsets or not office:
            return
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
            if visit.is_tentative:  # known only by its month or year: never a made-up first day
                line = pgettext("digest", "Tentatively %(period)s: %(name)s")
                lines.append(line % {"period": visit.period, "name": visit.title})
            else:
                line = pgettext("digest", "Starts on %(date)s: %(name)s")
                lines.append(line % {"date": date_format(visit.starts_on), "name": visit.title})
        for visit in items["reports"]:
            lines.append(
                pgettext("digest", "Report was due on %(date)s and is still missing: %(name)s")
                % {"date": date_format(visit.report_due_on), "name": visit.title}
            )
        for outcome in items["items"]:
            lines.append(
                pgettext("digest", "Action item overdue since %(date)s: %(name)s")
                % {"date": date_format(outcome.due_on), "name": outcome}
            )
        return lines

    def link(self, user, recipient):
        return reverse("admin:index")


# Visits count as use of an agreement when flagging agreements unused for two years.
register_agreement_activity(
    lambda since, today: Exists(
        Visit.objects.filter(partners__agreements=OuterRef("pk"), starts_on__gte=since, starts_on__lte=today).exclude(
            status=Visit.Status.CANCELLED
        )
    )
)
