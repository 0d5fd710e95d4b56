"""Reminders of partnerships: agreements about to expire, notice deadlines of automatic renewals, unused agreements.

See `notifications.registry` for how a rule works. Every rule sends only the latest stage a late sweep finds due
(a reminder 7 days before expiry, not also the missed one at 30 days): an old reminder says nothing the newest
does not, and a burst of them would be noise. Apps above partnerships count their records as use of an
agreement with `register_agreement_activity` (visits and mobility do, in their own reminders).
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.text import join_list
from notifications.registry import Candidate, Rule, people, register, stage_before, unclaimed

from .models import Agreement, JointProgram, ResearchProject

TWO_YEARS = timedelta(days=730)
OFFICE_AND_FACULTY = (User.Role.FACULTY, User.Role.STAFF)


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
            for recipient in people(coordinator if active else None, office=office):
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
                for recipient in people(coordinator if active else None, office=office):
                    yield Candidate(Agreement, pk, stage, recipient)

    def message(self, agreement, notification):
        return gettext("The agreement «%(agreement)s» renews automatically unless notice is given by %(date)s.") % {
            "agreement": agreement.title,
            "date": date_format(notice_deadline(agreement)),
        }


# What counts as using an agreement, each an Exists over the agreement's OuterRef("pk") given (since, today).
ACTIVITY: list[Callable[[date, date], Exists]] = [
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


# Where the unused-agreement reminder sends its reader: the agreement's admin page, or the health page an app
# above sets (insights does: what the agreement promised beside what happened).
_review_link: Callable[[Agreement], str] | None = None


def set_agreement_review_link(link: Callable[[Agreement], str]) -> None:
    """Send the readers of the unused-agreement reminder to this page of the agreement instead of its admin page."""
    global _review_link  # one hook, set once when the app registry is ready
    _review_link = link


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

    def link(self, agreement, recipient):
        return _review_link(agreement) if _review_link else super().link(agreement, recipient)

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
