"""Business actions of the visits app: the visit lifecycle and turning outcomes into planned visits."""

from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from config.i18n import language_codes, localized_fields
from config.models import HomeInstitution, check_transition
from notifications.services import notify

from . import tasks
from .models import CalendarFeed, Outcome, TypoReport, Visit, VisitTransition, new_feed_token

VISIT_TRANSITIONS = {
    Visit.Status.PROPOSED: {Visit.Status.APPROVED, Visit.Status.CANCELLED},
    Visit.Status.APPROVED: {Visit.Status.CONFIRMED, Visit.Status.CANCELLED},
    Visit.Status.CONFIRMED: {Visit.Status.IN_PROGRESS, Visit.Status.CANCELLED},
    Visit.Status.IN_PROGRESS: {Visit.Status.COMPLETED},
    Visit.Status.COMPLETED: {Visit.Status.REPORTED},
    Visit.Status.REPORTED: set(),
    Visit.Status.CANCELLED: set(),
}


@transaction.atomic
def change_visit_status(visit: Visit, *, to: str, by: User, comment: str = "") -> Visit:
    """Move a visit along its lifecycle and record who did it, when and why.

    A visit is confirmed only with exact dates, reported only with a report, cancelled only with a reason.
    """
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    current, target = Visit.Status(visit.status), Visit.Status(to)
    check_transition(
        VISIT_TRANSITIONS, current, target, message=_("A visit that is «%(current)s» cannot become «%(target)s».")
    )
    if target == Visit.Status.CONFIRMED and visit.is_tentative:
        raise ValidationError(_("Set the exact dates before confirming the visit."), code="tentative")
    if target == Visit.Status.REPORTED and not hasattr(visit, "report"):
        raise ValidationError(_("Write the trip report first."), code="report_missing")
    if target == Visit.Status.CANCELLED and not comment.strip():
        raise ValidationError(_("Say why the visit is cancelled."), code="comment_required")
    visit.status = target
    visit.save(update_fields=["status"])
    VisitTransition.objects.create(visit=visit, from_status=current, to_status=target, by=by, comment=comment)
    return visit


@transaction.atomic
def plan_follow_up_visit(outcome: Outcome, *, direction: str, year: int, by: User) -> Visit:
    """Create the tentative visit an outcome promises ("the Chinese side will visit in 2026") and link it.

    Idempotent: an outcome that already has its follow-up visit returns that visit.
    """
    outcome = (
        Outcome.objects.select_for_update(of=("self",)).select_related("visit", "follow_up_visit").get(pk=outcome.pk)
    )
    if outcome.follow_up_visit:
        return outcome.follow_up_visit
    source = outcome.visit
    home = HomeInstitution.objects.current()
    partner = source.partners.first()
    if direction == Visit.Direction.INCOMING and home is not None:
        country, city = home.country, home.city  # they come to us
    elif direction == Visit.Direction.OUTGOING and source.direction == Visit.Direction.INCOMING and partner:
        country, city = partner.country, partner.city  # we go to them after they came to us
    else:
        country, city = source.country, source.city
    titles = {}
    for code, field in zip(language_codes(), localized_fields("title"), strict=True):
        with translation.override(code):
            source_title = Truncator(getattr(source, field) or source.title).chars(200)
            titles[field] = _("Follow-up of «%(visit)s»") % {"visit": source_title}
    visit = Visit(
        direction=direction,
        **titles,
        country=country,
        city=city,
        precision=Visit.Precision.YEAR,
        starts_on=f"{year}-01-01",
        purpose=outcome.description,
    )
    visit.full_clean()
    visit.save()
    visit.partners.set(source.partners.all())
    visit.partner_units.set(source.partner_units.all())
    VisitTransition.objects.create(
        visit=visit, from_status=Visit.Status.PROPOSED, to_status=Visit.Status.PROPOSED, by=by, comment=str(outcome)
    )
    outcome.follow_up_visit = visit
    outcome.save(update_fields=["follow_up_visit"])
    return visit


def follow_up_direction(visit: Visit) -> str:
    """The other side travels next: an outgoing visit is followed by an incoming one, and the other way round."""
    return Visit.Direction.INCOMING if visit.direction == Visit.Direction.OUTGOING else Visit.Direction.OUTGOING


def plan_follow_up_visits(visits, *, by: User, today: date | None = None) -> int:
    """Plan the follow-up visit of every open outcome of these visits that has none yet; returns how many.

    Each goes the other way (follow_up_direction), in the year the outcome is due, or this year without a date.
    """
    year_now = (today or timezone.localdate()).year
    planned = 0
    for outcome in Outcome.objects.filter(visit__in=visits, follow_up_visit__isnull=True, status=Outcome.Status.OPEN):
        plan_follow_up_visit(
            outcome,
            direction=follow_up_direction(outcome.visit),
            year=outcome.due_on.year if outcome.due_on else year_now,
            by=by,
        )
        planned += 1
    return planned


def _save_each(objects, **values) -> int:
    """Change and save the objects one by one, so that each change is kept in their history; returns how many."""
    count = 0
    for obj in objects:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(values))
        count += 1
    return count


@transaction.atomic
def publish_articles(articles) -> int:
    """Publish these news articles (from their publish date); each change is kept in the article's history."""
    return _save_each(articles, is_published=True)


@transaction.atomic
def withdraw_articles(articles) -> int:
    """Take these news articles off the public pages; each change is kept in the article's history."""
    return _save_each(articles, is_published=False)


@transaction.atomic
def close_typo_reports(reports) -> int:
    """Mark these typo reports as dealt with; each change is kept in the report's history."""
    return _save_each(reports, status=TypoReport.Status.CLOSED)


def renew_calendar_feed(user: User) -> CalendarFeed:
    """Give the user a new secret calendar address; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(user=user, defaults={"token": new_feed_token()})
    return feed


TYPO_REPORTS_PER_HOUR = 20


@transaction.atomic
def report_typo(*, url: str, language: str, selection: str, context: str, comment: str) -> TypoReport:
    """Store a reader's report of a mistake; the office is told after commit."""
    report = TypoReport(url=url, language=language, selection=selection, context=context, comment=comment)
    report.full_clean()
    report.save()
    transaction.on_commit(partial(tasks.notify_typo_report.delay, report.pk))
    return report


def notify_typo_report(report_id: int) -> None:
    """Notify every office staff member of one typo report, in the portal and by email in their language.

    Through the notification outbox, so staff see each email's fate; a repeated call notifies nobody twice.
    """
    report = TypoReport.objects.filter(pk=report_id).first()
    if report is None:
        return
    notify(rule="typo_report", obj=report, recipients=User.objects.staff())
