"""Business actions of the visits app: the visit lifecycle and turning outcomes into planned visits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from config.history import save_with_history, upsert_with_history
from config.i18n import language_codes, localized_fields
from config.models import HomeInstitution, check_transition
from config.translations import check_required_languages
from notifications.services import notify

from .models import (
    NOT_TAKEN_PLACE,
    AgendaItem,
    CalendarFeed,
    DelegationMember,
    NewsArticle,
    Outcome,
    Report,
    TypoReport,
    Visit,
    VisitTransition,
    default_time_zone,
    new_feed_token,
)

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
    visit._history_user, visit._change_reason = by, comment or target.label  # kept in its history too
    visit.save(update_fields=["status"])
    VisitTransition.objects.create(visit=visit, from_status=current, to_status=target, by=by, comment=comment)
    return visit


def _follow_up_place(outcome: Outcome) -> tuple[str, dict[str, str], str]:
    """Where the promised visit goes: the country, the city in every language and the local time zone."""
    source, direction = outcome.visit, outcome.visit_direction
    home = HomeInstitution.objects.current()
    partner = source.partners.first()

    def cities(where):
        return {field: getattr(where, field) for field in localized_fields("city")}

    if direction == Visit.Direction.INCOMING and home is not None:  # they come to us
        return home.country, cities(home), default_time_zone()
    if direction == Visit.Direction.OUTGOING and source.direction == Visit.Direction.INCOMING and partner:
        # We go to them after they came to us: in the time zone of our last visit there, if there was one.
        earlier = partner.visits.filter(direction=Visit.Direction.OUTGOING).order_by("-starts_on").first()
        return partner.country, cities(partner), earlier.time_zone if earlier else default_time_zone()
    return source.country, cities(source), source.time_zone


def follow_up_visit_of(outcome: Outcome) -> Visit:
    """The tentative visit an outcome promises, unsaved: what planning it would create (shown first as a preview).

    Its direction and period are the ones staff gave the outcome; the city is written in every language.
    """
    if not outcome.promises_visit or outcome.visit_period is None:
        raise ValidationError(_("This outcome does not promise a visit."), code="no_visit_promised")
    source = outcome.visit
    precision, starts_on = outcome.visit_period
    country, cities, zone = _follow_up_place(outcome)
    titles = {}
    for code, field in zip(language_codes(), localized_fields("title"), strict=True):
        with translation.override(code):
            source_title = Truncator(getattr(source, field) or source.title).chars(200)
            titles[field] = _("Follow-up of «%(visit)s»") % {"visit": source_title}
    columns = zip(localized_fields("purpose"), localized_fields("description"), strict=True)
    purposes = {purpose: getattr(outcome, description) for purpose, description in columns}
    return Visit(
        direction=outcome.visit_direction,
        **titles,
        **purposes,
        country=country,
        **cities,
        precision=precision,
        starts_on=starts_on,
        time_zone=zone,
    )


@transaction.atomic
def propose_visit(*, by: User, partners, values: dict) -> Visit:
    """Create a proposed visit with its partners; the proposal is the first row of its history."""
    visit = save_with_history(Visit(status=Visit.Status.PROPOSED), by=by, values=values)
    visit.partners.set(partners)
    VisitTransition.objects.create(
        visit=visit, from_status=Visit.Status.PROPOSED, to_status=Visit.Status.PROPOSED, by=by
    )
    return visit


@transaction.atomic
def plan_follow_up_visit(outcome: Outcome, *, by: User) -> Visit:
    """Create the tentative visit an outcome promises ("the Chinese side will visit in 2026") and link it.

    Only for an outcome that staff marked as promising a visit, in the year or month it states.
    Idempotent: an outcome that already has its follow-up visit returns that visit.
    """
    outcome = (
        Outcome.objects.select_for_update(of=("self",)).select_related("visit", "follow_up_visit").get(pk=outcome.pk)
    )
    if outcome.follow_up_visit:
        return outcome.follow_up_visit
    source = outcome.visit
    visit = follow_up_visit_of(outcome)
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


def outcomes_to_plan(visits):
    """The open outcomes of these visits that promise a visit and have none planned yet."""
    return (
        Outcome.objects.filter(
            visit__in=visits,
            kind__in=list(Outcome.VISIT_DIRECTIONS),
            follow_up_visit__isnull=True,
            status__in=[Outcome.Status.OPEN, Outcome.Status.IN_PROGRESS],
        )
        .select_related("visit")
        .order_by("visit", "pk")
    )


def preview_follow_up_visits(visits) -> list[tuple[Outcome, Visit]]:
    """What plan_follow_up_visits would create for these visits, unsaved: each outcome with its visit."""
    return [(outcome, follow_up_visit_of(outcome)) for outcome in outcomes_to_plan(visits)]


def plan_follow_up_visits(visits, *, by: User) -> int:
    """Plan the follow-up visit of every open outcome of these visits that promises one; returns how many.

    Outcomes that are only action items ("launch student mobility") are left alone.
    """
    planned = 0
    for outcome in outcomes_to_plan(visits):
        plan_follow_up_visit(outcome, by=by)
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
def publish_article(article: NewsArticle) -> NewsArticle:
    """Publish a news article (shown from its publish date on), only about a visit that took place.

    The change is kept in the article's history.
    """
    article = NewsArticle.objects.select_related("visit").get(pk=article.pk)
    if not article.visit.took_place:
        raise ValidationError(NOT_TAKEN_PLACE, code="visit_not_taken_place")
    try:
        check_required_languages(article)
    except ValidationError as error:
        raise ValidationError(error.messages, code="translation_missing") from error
    _save_each([article], is_published=True)
    return article


@transaction.atomic
def publish_articles(articles) -> int:
    """Publish these news articles, all or none: refused if one of them is about a visit that did not take place."""
    count = 0
    for article in articles:
        publish_article(article)
        count += 1
    return count


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
@transaction.atomic
def report_typo(*, url: str, language: str, selection: str, context: str, comment: str) -> TypoReport:
    """Store a reader's report of a mistake and the office's notices of it together; emails go after commit.

    The notices are outbox rows of the same transaction, so a broker that refuses the emails loses nothing.
    """
    report = TypoReport(url=url, language=language, selection=selection, context=context, comment=comment)
    report.full_clean()
    report.save()
    notify_typo_report(report.pk)
    return report


def notify_typo_report(report_id: int) -> None:
    """Notify every office staff member of one typo report, in the portal and by email in their language.

    Through the notification outbox, so staff see each email's fate; a repeated call notifies nobody twice.
    """
    report = TypoReport.objects.filter(pk=report_id).first()
    if report is None:
        return
    notify(rule="typo_report", obj=report, recipients=User.objects.staff())


# ---------------------------------------------------------------- what the office writes about a visit
# Each is what the admin's form does: validated, saved, the acting user and the reason kept in the history.
# Each looks up its natural key first, so calling it again changes the record instead of adding a second one.


@transaction.atomic
def describe_visit(visit: Visit, *, values: dict, by: User | None, relations: dict | None = None) -> Visit:
    """Change the facts of a visit (title, dates, place, purpose) and, if given, its partners and their units."""
    return save_with_history(visit, by=by, values=values, relations=relations)


def add_delegation_member(visit: Visit, *, name: str, values: dict, by: User | None) -> DelegationMember:
    """Add a member of the visit's delegation (or change the one of this name)."""
    return upsert_with_history(DelegationMember, lookup={"visit": visit, "name": name}, values=values, by=by)


def add_agenda_item(
    visit: Visit, *, starts_at, values: dict, by: User | None, relations: dict | None = None
) -> AgendaItem:
    """Add the item of the visit's programme that starts at this moment (or change it), with whom it met."""
    lookup = {"visit": visit, "starts_at": starts_at}
    return upsert_with_history(AgendaItem, lookup=lookup, values=values, by=by, relations=relations)


def record_outcome(visit: Visit, *, description_en: str, values: dict, by: User | None) -> Outcome:
    """Record what the sides agreed on this visit (or change it): its owner, status, due date, what it produced."""
    lookup = {"visit": visit, "description_en": description_en}
    return upsert_with_history(Outcome, lookup=lookup, values=values, by=by)


def write_report(visit: Visit, *, values: dict, by: User | None) -> Report:
    """Write the visit's report (one per visit), or change it."""
    return upsert_with_history(Report, lookup={"visit": visit}, values=values, by=by)


def write_article(visit: Visit, *, values: dict, by: User | None) -> NewsArticle:
    """Write the news article about the visit (one per visit), or change it; publishing is publish_articles."""
    return upsert_with_history(NewsArticle, lookup={"visit": visit}, values=values, by=by)
