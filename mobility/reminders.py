"""Reminders and notices of mobility: calls closing on unfinished drafts, reviewers' daily digest, status changes."""

from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.models import Notification
from notifications.registry import ALL_ROLES, Candidate, Rule, register, stage_before, unclaimed
from partnerships.reminders import register_agreement_activity

from .models import Application, ApplicationTransition, Mobility

# A reviewer's first digest, or one after a long pause, looks back at most this far.
DIGEST_LOOKBACK_DAYS = 7


@register
class CallClosingSoon(Rule):
    key = "call_closing_soon"
    label = _("Calls closing soon, while your application is a draft")
    default_offsets = (3, 1)
    roles = ALL_ROLES
    required = True

    def candidates(self, *, today, offsets, office):
        window = stage_before("call__closes_at__date", today=today, offsets=offsets)
        drafts = Application.objects.filter(window.filter, status=Application.Status.DRAFT).annotate(stage=window.stage)
        for pk, stage, applicant in unclaimed(drafts, self.key).values_list("pk", "stage", "applicant_id"):
            yield Candidate(Application, pk, stage, applicant)

    def message(self, application, notification):
        return gettext("The call «%(call)s» closes on %(date)s; your application is not submitted yet.") % {
            "call": application.call.title,
            "date": date_format(timezone.localtime(application.call.closes_at), "DATETIME_FORMAT"),
        }

    def details(self, application, notification):
        return [str(item) for item in application.missing_items()]

    def list_queryset(self):
        return Application.objects.select_related("call")

    def link(self, application, recipient):
        return application.get_absolute_url()


@register
class ApplicationStatusChanged(Rule):
    """An event: the status-change service notifies the applicant with the transition as the object."""

    key = "application_status"
    label = _("Changes to the status of your application")
    roles = ALL_ROLES
    required = True

    def message(self, transition, notification):
        return gettext("Your application to «%(call)s» is now: %(status)s.") % {
            "call": transition.application.call.title,
            "status": transition.get_to_status_display(),
        }

    def details(self, transition, notification):
        application = transition.application
        lines = []
        if transition.to_status in {Application.Status.NOMINATED, Application.Status.ACCEPTED} and application.host:
            lines.append(gettext("Host institution: %(host)s") % {"host": application.host.name})
        if transition.to_status == Application.Status.WAITLISTED and application.waitlist_position:
            lines.append(
                gettext("Your place on the waiting list: %(position)s") % {"position": application.waitlist_position}
            )
        if (
            transition.from_status == Application.Status.WAITLISTED
            and transition.to_status == Application.Status.NOMINATED
        ):
            lines.append(gettext("You have moved up from the waiting list."))
        if transition.comment:
            lines.append(pgettext("notice", "Comment: %(comment)s") % {"comment": transition.comment})
        return lines

    def link(self, transition, recipient):
        return reverse("mobility:application_detail", kwargs={"pk": transition.application_id})

    def list_queryset(self):
        return ApplicationTransition.objects.select_related("application__call")


def digest_day(notification) -> date:
    return date.fromisoformat(notification.stage)


@register
class ReviewerDigest(Rule):
    """Once a day, to each faculty reviewer whose calls received submissions since their last digest.

    The notice's object is the reviewer and its stage the last day it covers (yesterday), so a reviewer gets
    at most one a day; a missed day is covered by the next digest.
    """

    key = "reviewer_digest"
    label = _("Daily digest of new applications to the calls you review")
    offsets_help = _("Not used: the digest goes out once a day.")
    roles = (User.Role.FACULTY, User.Role.STAFF)

    def candidates(self, *, today, offsets, office):
        yesterday = today - timedelta(days=1)
        last = dict(
            Notification.objects.filter(rule=self.key)
            .values("recipient_id")
            .annotate(last=Max("stage"))
            .values_list("recipient_id", "last")
        )
        latest = (
            Application.objects.submitted()
            .filter(
                submitted_at__date__range=(today - timedelta(days=DIGEST_LOOKBACK_DAYS), yesterday),
                call__reviewers__isnull=False,
            )
            .values("call__reviewers")
            .annotate(latest=Max("submitted_at__date"))
            .values_list("call__reviewers", "latest")
        )
        stage = yesterday.isoformat()
        for reviewer, newest in latest:
            if reviewer in last and date.fromisoformat(last[reviewer]) >= newest:
                continue
            yield Candidate(User, reviewer, stage, reviewer)

    def _since(self, user, notification):
        previous = (
            Notification.objects.filter(rule=self.key, recipient=user, stage__lt=notification.stage)
            .order_by("-stage")
            .values_list("stage", flat=True)
            .first()
        )
        until = digest_day(notification)
        since = date.fromisoformat(previous) if previous else until - timedelta(days=DIGEST_LOOKBACK_DAYS)
        return since, until

    def message(self, user, notification):
        return gettext("New applications to review, up to %(date)s") % {"date": date_format(digest_day(notification))}

    def details(self, user, notification):
        since, until = self._since(user, notification)
        applications = (
            Application.objects.submitted()
            .filter(call__reviewers=user, submitted_at__date__gt=since, submitted_at__date__lte=until)
            .select_related("call", "applicant")
            .order_by("call", "submitted_at")
        )
        return [
            pgettext("digest", "%(call)s: %(applicant)s")
            % {"call": application.call.title, "applicant": application.applicant}
            for application in applications
        ]

    def link(self, user, recipient):
        return reverse("mobility:review_list")


# Mobilities count as use of an agreement when flagging agreements unused for two years.
register_agreement_activity(
    lambda since, today: Exists(Mobility.objects.filter(agreement=OuterRef("pk"), starts_on__range=(since, today)))
)
