"""Reminder rules: what is due, for whom, and how it reads. One registry, filled at start-up.

A rule is a `Rule` subclass registered with `@register`. Every few minutes the sweep
(`notifications.services.sweep_reminders`) asks each active rule for its candidates, each a
(rule, object, stage, recipient) key, and claims them in the `Notification` table, whose unique constraint
makes every key go out exactly once, whatever runs at the same time. Rules read the database in bulk: a
rule costs the same few queries for ten objects or a hundred thousand.

Stages come from offsets (days before or after a date) that staff edit in the admin (`ReminderRule`); the
`stage_before`/`stage_after` windows make a late sweep catch up with the latest stage reached, never the
earlier ones it missed, and never one whose date has passed.

How an app adds a rule: write `<app>/reminders.py` (every app's `reminders` module is imported at
start-up), for example in `mobility/reminders.py`:

    from django.utils.formats import date_format
    from django.utils.translation import gettext, gettext_lazy as _

    from notifications.registry import Candidate, Rule, register, stage_before, unclaimed

    from .models import Application

    @register
    class CallClosingSoon(Rule):
        key = "call_closing_soon"  # stored with every notice: never rename it
        label = _("Calls closing soon, while your application is a draft")
        default_offsets = (3, 1)  # days before the date; staff change them in the admin
        roles = (User.Role.STUDENT, User.Role.FACULTY)  # who sees the kind on their settings page
        required = True  # cannot be switched off by email

        def candidates(self, *, today, offsets, office):
            window = stage_before("call__closes_at__date", today=today, offsets=offsets)
            drafts = Application.objects.filter(window.filter, status="draft").annotate(stage=window.stage)
            for pk, stage, applicant in unclaimed(drafts, self.key).values_list("pk", "stage", "applicant_id"):
                yield Candidate(Application, pk, stage, applicant)

        def message(self, application, notification):
            return gettext("The call «%(call)s» closes on %(date)s; your application is not submitted yet.") % {
                "call": application.call.title, "date": date_format(application.call.closes_at)}

        def link(self, application, recipient):
            return application.get_absolute_url()

A notice caused by an event (a status change) is not swept: the service that makes the change calls
`notifications.services.notify(rule="application_status", obj=application, recipients=[applicant])`,
and the rule keeps the default `candidates`, which yields nothing.

The rules live with the records they remind of: `partnerships/reminders.py` (agreements; unused agreements
count what other apps add with `register_agreement_activity`), `visits/reminders.py` (visits, action items, typo
reports, the office's weekly digest) and `mobility/reminders.py`. This app knows none of them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

ALL_ROLES = tuple(User.Role)


class Candidate(NamedTuple):
    """One notice a rule wants sent: the object by model and id, the stage, the recipient's user id."""

    model: type[models.Model]
    object_id: int
    stage: str
    recipient_id: int


class Rule:
    """One kind of notice. Subclasses set the attributes and override what differs."""

    key = ""
    label = ""
    offsets_help = _("Days before the date, separated by commas, e.g. 180, 90, 30, 7.")
    default_offsets: tuple[int, ...] = ()
    roles: tuple[str, ...] = ALL_ROLES
    required = False

    def candidates(self, *, today: date, offsets: list[int], office: list[int]) -> Iterable[Candidate]:
        """What is due now and not yet claimed; `office` holds the ids of the office staff."""
        return ()

    def message(self, obj, notification) -> str:
        """One sentence in the active language, for the notification list and the email subject."""
        raise NotImplementedError

    def details(self, obj, notification) -> list[str]:
        """Further lines for the email (may query)."""
        return []

    def link(self, obj, recipient) -> str:
        """The path of the page to act on, in the active language."""
        return reverse("notifications:notification_list")

    def list_queryset(self):
        """The queryset that loads this rule's objects for the notification list with what message() reads,
        so a page of notices costs the same queries however many there are; None: the model's default."""
        return None

    def applies_to(self, user) -> bool:
        return user.is_superuser or user.role in self.roles


class RemovedRule(Rule):
    """Stands in for a rule that no longer exists, so that its old notices still show."""

    def message(self, obj, notification):
        return gettext("Notification")


RULES: dict[str, Rule] = {}


def register(rule_class):
    """Class decorator: add the rule to the registry under its key."""
    assert rule_class.key and rule_class.key not in RULES, f"Rule key {rule_class.key!r} is missing or taken."  # noqa: S101 (a programming error at start-up)
    RULES[rule_class.key] = rule_class()
    return rule_class


def get_rule(key: str) -> Rule:
    return RULES.get(key) or RemovedRule()


def people(*ids, office=()) -> list[int]:
    """Unique recipient ids in order, without the empty ones: people(coordinator_id, office=office)."""
    return list(dict.fromkeys(pk for pk in (*ids, *office) if pk))


@dataclass(frozen=True)
class Window:
    """`queryset.filter(window.filter).annotate(stage=window.stage)`: due rows and the stage each is at."""

    filter: Q
    stage: Case


def _stage(offset: int, field: str) -> Concat:
    """ "30@2027-05-01": the offset and the date it counts from, so a moved date (an agreement extended, a
    visit postponed) gets its reminders again instead of finding its keys already used."""
    return Concat(Value(f"{offset}@"), Cast(F(field), output_field=CharField()), output_field=CharField())


def stage_before(field: str, *, today: date, offsets: list[int]) -> Window:
    """Due `offset` days before the date in `field`; the stage is the nearest offset reached (and the date).

    Until the date itself, so a missed sweep still sends the latest stage; an earlier stage is skipped.
    """
    offsets = sorted(set(offsets))
    if not offsets:
        return Window(Q(pk__in=[]), Case(default=Value(""), output_field=CharField()))
    whens = [
        When(**{f"{field}__lte": today + timedelta(days=offset)}, then=_stage(offset, field)) for offset in offsets
    ]
    due = Q(**{f"{field}__gte": today, f"{field}__lte": today + timedelta(days=offsets[-1])})
    return Window(due, Case(*whens, default=Value(""), output_field=CharField()))


# How long after its last offset a date still gets its reminder: enough for any outage, short enough that
# switching reminders on does not send one for every old visit or action item.
GRACE_DAYS = 30


def stage_after(field: str, *, today: date, offsets: list[int], shift: int = 0) -> Window:
    """Due `offset` days after the date in `field` plus `shift` days; the stage is the latest offset reached.

    A date more than GRACE_DAYS past its last stage is left alone.
    """
    offsets = sorted(set(offsets), reverse=True)
    if not offsets:
        return Window(Q(pk__in=[]), Case(default=Value(""), output_field=CharField()))
    whens = [
        When(**{f"{field}__lte": today - timedelta(days=offset + shift)}, then=_stage(offset, field))
        for offset in offsets
    ]
    due = Q(
        **{
            f"{field}__lte": today - timedelta(days=offsets[-1] + shift),
            f"{field}__gte": today - timedelta(days=offsets[0] + shift + GRACE_DAYS),
        }
    )
    return Window(due, Case(*whens, default=Value(""), output_field=CharField()))


def unclaimed(queryset, rule_key: str, *, model=None, object_field: str = "pk", recipient_field: str | None = None):
    """Leave out rows whose object (for that recipient, if given) already has a notice at its stage.

    Only saves work: the unique constraint is what guarantees "once".
    """
    model = model or queryset.model
    claimed = {
        "rule": rule_key,
        "content_type": ContentType.objects.get_for_model(model),  # cached: an id the unique index is read by
        "object_id": OuterRef(object_field),
        "stage": OuterRef("stage"),
    }
    if recipient_field:
        claimed["recipient"] = OuterRef(recipient_field)
    from .models import Notification  # models imports this module (get_rule), so it is read here

    return queryset.exclude(Exists(Notification.objects.filter(**claimed)))
