"""Business actions of notifications: the reminder sweep, event notices, email delivery, read marks, settings.

Guarantees: every (rule, object, stage, recipient) key is claimed by inserting its row before anything is
sent, so it is notified once; emails are sent by a task after the claim commits; each email is rendered in
its recipient's language.
"""

import base64
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from config.bulk import insert_new_rows, refresh_statistics
from config.personalcache import person_changed

from . import metrics, tasks
from .models import Email, EmailOptOut, Notification, ReminderRule
from .registry import RULES, Candidate

logger = logging.getLogger(__name__)

# Mail-server and network errors heal by themselves: the task retries them with backoff.
RETRYABLE = (SMTPException, ConnectionError, TimeoutError)


@dataclass(frozen=True)
class SweepResult:
    candidates: int
    claimed: int
    emails: int


def rule_settings() -> dict[str, ReminderRule]:
    """Every registered rule's settings, creating the missing rows with their defaults (two queries)."""
    ReminderRule.objects.bulk_create(
        [ReminderRule(key=key, offsets=", ".join(map(str, rule.default_offsets))) for key, rule in RULES.items()],
        ignore_conflicts=True,
    )
    return {row.key: row for row in ReminderRule.objects.filter(key__in=RULES)}


# A sweep that claims this many notices has the notices' statistics refreshed, so that the next one's "not yet
# claimed" checks are planned as joins over every row, not as loops over the few autovacuum last counted.
RECOUNT_AFTER = 1_000


def sweep_reminders(*, today: date | None = None) -> SweepResult:
    """Claim every reminder that is due by `today` and not yet claimed; email the new ones after commit.

    A constant number of queries whatever the data size. Safe to run at any time, late or twice at once:
    a missed run is caught up (latest stage only) and every key is notified exactly once. A rule that fails
    is logged and skipped, so it does not hold back the others. Notices whose email was never handed to the
    queue (the broker was down at commit) are handed over again.
    """
    started_at, started = timezone.now(), time.perf_counter()
    today = today or timezone.localdate()
    settings_by_key = rule_settings()
    office = list(User.objects.staff().values_list("pk", flat=True))
    keys = []
    for key, row in settings_by_key.items():
        if not row.is_active:
            continue
        try:
            keys += [(key, *c) for c in RULES[key].candidates(today=today, offsets=row.offset_list, office=office)]
        except Exception:
            logger.exception("The reminder rule %s failed; the other rules went on", key)
    with transaction.atomic():
        claimed, emails = _claim(keys)
    if claimed >= RECOUNT_AFTER:
        refresh_statistics(Notification)
    requeue_stale_emails()
    result = SweepResult(candidates=len(keys), claimed=claimed, emails=emails)
    metrics.record_sweep(result, started_at=started_at, seconds=time.perf_counter() - started)
    return result


# An email still waiting this long after its notice was claimed was lost on its way to the queue.
STALE_AFTER = timedelta(minutes=15)


def requeue_stale_emails(*, limit: int = 1_000) -> int:
    """Hand the emails of long-pending notices to the queue again; the send task's row lock and its
    "still pending" check make a second copy of a task send nothing."""
    stale = list(
        Notification.objects.filter(
            email_status=Notification.EmailStatus.PENDING, created_at__lt=timezone.now() - STALE_AFTER
        ).values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        _email_after_commit(stale)
    return len(stale)


@transaction.atomic
def notify(*, rule: str, obj, recipients: Iterable[User], stage: str = "new") -> int:
    """Notify people of an event now (a typo report, a status change); a repeated key is ignored.

    Returns how many notices are new; their emails go out after commit.
    """
    keys = [(rule, *Candidate(type(obj), obj.pk, stage, user.pk)) for user in recipients if user.is_active]
    claimed, _emails = _claim(keys)
    return claimed


def _claim(keys: list[tuple]) -> tuple[int, int]:
    """Insert a row per (rule, model, object id, stage, recipient id) key, ignoring those already there.

    Enqueues an email for each new row after commit. At most four queries, whatever the number of keys:
    opt-outs, content types (cached), one insert, the new rows.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return 0, 0
    active = set(
        User.objects.filter(pk__in={key[4] for key in keys}, is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    keys = [key for key in keys if key[4] in active]  # nobody is reminded through a closed account
    if not keys:
        return 0, 0
    opted_out = set(EmailOptOut.objects.filter(rule__in={key[0] for key in keys}).values_list("user_id", "rule"))
    types = ContentType.objects.get_for_models(*{key[1] for key in keys})
    token = uuid.uuid4()
    required = {key: rule.required for key, rule in RULES.items()}
    rows = [
        {
            "rule": rule_key,
            "content_type_id": types[model].pk,
            "object_id": object_id,
            "stage": stage,
            "recipient_id": recipient_id,
            "email_status": Notification.EmailStatus.PENDING
            if required.get(rule_key) or (recipient_id, rule_key) not in opted_out
            else Notification.EmailStatus.OFF,
        }
        for rule_key, model, object_id, stage, recipient_id in keys
    ]
    if connection.vendor == "postgresql":  # one INSERT … ON CONFLICT DO NOTHING RETURNING, no instance per row
        new = insert_new_rows(Notification, rows, constant={"claim": token}, returning=("pk", "email_status"))
    else:
        Notification.objects.bulk_create([Notification(**row, claim=token) for row in rows], ignore_conflicts=True)
        new = list(Notification.objects.filter(claim=token).values_list("pk", "email_status"))
    to_email = [pk for pk, status in new if status == Notification.EmailStatus.PENDING]
    if new:
        person_changed(*{row["recipient_id"] for row in rows})  # the bell of each recipient
    _email_after_commit(to_email)
    return len(new), len(to_email)


def _email_after_commit(ids: list[int]) -> None:
    """Enqueue one email task per notice once the claims are committed; at the first refusal the rest wait
    for the sweep (a broker that refuses one task refuses the next, and each refusal costs the request time)."""

    def enqueue():
        for index, pk in enumerate(ids):
            try:
                tasks.send_notification_email.delay(pk)
            except Exception:  # the notices stay pending in the outbox, for the sweep (or staff) to send
                logger.exception(
                    "Could not enqueue the email of notification %s nor the %d after it", pk, len(ids) - index - 1
                )
                return  # a broker that refuses one refuses the next: no request waits on each of them

    if ids:
        transaction.on_commit(enqueue)


def render_email(notification: Notification) -> EmailMultiAlternatives | None:
    """The notice as a plain-text and HTML email in the recipient's language; None if its object is gone."""
    recipient = notification.recipient
    obj = notification.target
    if obj is None:
        return None
    rule = notification.kind
    with translation.override(recipient.language):
        message = rule.message(obj, notification)
        context = {
            "recipient": recipient,
            "message": message,
            "details": rule.details(obj, notification),
            "url": settings.PORTAL_URL.rstrip("/") + rule.link(obj, recipient),
            "settings_url": settings.PORTAL_URL.rstrip("/") + reverse("notifications:notification_settings"),
            "language": recipient.language,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(message.split()),
        body=text,
        to=[recipient.email],
        headers={"Content-Language": recipient.language},
    )
    email.attach_alternative(html, "text/html")
    return email


def send_notification_email(*, notification_id: int, final_attempt: bool = True) -> None:
    """Send one pending notice by email and record the outcome (sent, or the reason it failed).

    A notice that is no longer pending (sent meanwhile, switched off) is left alone, so a repeated task
    sends nothing twice. A mail-server error is recorded and raised for the task to retry, except on the
    final attempt, which marks the notice failed; staff resend it from the outbox.
    """
    error = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return
        notification.email_attempts = F("email_attempts") + 1
        try:
            email = render_email(notification)
            if email is None:
                notification.email_status = Notification.EmailStatus.OFF
                notification.email_error = "The object of this notice no longer exists."
            else:
                delivery_connection().send_messages([email])
                notification.email_status = Notification.EmailStatus.SENT
                notification.emailed_at = timezone.now()
                notification.email_error = ""
        except RETRYABLE as exc:
            error = exc
            notification.email_error = f"{type(exc).__name__}: {exc}"[:2000]
            if final_attempt:
                notification.email_status = Notification.EmailStatus.FAILED
        except Exception as exc:  # a bug, not the mail server: retrying would not help
            logger.exception("Notification %s could not be emailed", notification_id)
            notification.email_error = f"{type(exc).__name__}: {exc}"[:2000]
            notification.email_status = Notification.EmailStatus.FAILED
        notification.save(update_fields=["email_attempts", "email_status", "email_error", "emailed_at"])
    if error is not None and not final_attempt:
        raise error


@transaction.atomic
def resend_emails(notifications) -> int:
    """Put the chosen notices back in the outbox and send them again after commit; returns how many."""
    ids = list(notifications.exclude(email_status=Notification.EmailStatus.OFF).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(email_status=Notification.EmailStatus.PENDING, email_error="")
    _email_after_commit(ids)
    return len(ids)


def mark_read(user: User, *, notification_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; returns how many changed."""
    unread = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    changed = unread.update(read_at=timezone.now())
    person_changed(user.pk)
    return changed


def rules_for(user: User) -> list:
    """The kinds of notice this person can receive, in registry order."""
    return [rule for rule in RULES.values() if rule.applies_to(user)]


@transaction.atomic
def set_email_preferences(user: User, *, wanted: set[str]) -> None:
    """Receive by email exactly the `wanted` kinds, plus the required ones, which cannot be switched off."""
    unwanted = {rule.key for rule in rules_for(user) if not rule.required and rule.key not in wanted}
    EmailOptOut.objects.filter(user=user).exclude(rule__in=unwanted).delete()
    EmailOptOut.objects.bulk_create([EmailOptOut(user=user, rule=key) for key in unwanted], ignore_conflicts=True)


# ---------------------------------------------------------------- the email outbox


def delivery_connection():
    """The connection to the mail server itself (EMAIL_URL), past the outbox."""
    return get_connection(settings.EMAIL_DELIVERY_BACKEND)


def _attachment(attachment) -> list:
    if isinstance(attachment, tuple | list):
        filename, content, mimetype = attachment
    else:  # a MIME part built by hand
        filename, content, mimetype = (
            attachment.get_filename(),
            attachment.get_payload(decode=True),
            attachment.get_content_type(),
        )
    if isinstance(content, str):
        content = content.encode()
    return [filename, base64.b64encode(content).decode("ascii"), mimetype]


def _stored(message) -> Email:
    return Email(
        subject=str(message.subject)[:998],
        to=list(message.to),
        message={
            "body": str(message.body),
            "from_email": message.from_email,
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": list(message.reply_to),
            "headers": {key: str(value) for key, value in message.extra_headers.items()},
            "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
            "attachments": [_attachment(attachment) for attachment in message.attachments],
        },
    )


@transaction.atomic
def store_emails(messages) -> list[int]:
    """Put the messages in the outbox with the current transaction; each is sent by a task after commit.

    A broker that refuses the task is logged and leaves the email waiting for the outbox sweep.
    """
    emails = Email.objects.bulk_create([_stored(message) for message in messages])
    ids = [email.pk for email in emails]
    transaction.on_commit(partial(_enqueue_emails, ids))
    return ids


def _enqueue_emails(ids: list[int]) -> None:
    queued = []
    for pk in ids:
        try:
            tasks.send_email.delay(pk)
        except Exception:
            logger.exception("Could not hand email %s (and those after it) to the queue; they wait for the sweep", pk)
            break  # a broker that refuses one refuses the next: no request waits on each of them
        queued.append(pk)
    if queued:
        Email.objects.filter(pk__in=queued, queued_at__isnull=True).update(queued_at=timezone.now())


def _message(email: Email) -> EmailMultiAlternatives:
    stored = email.message
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=stored["body"],
        from_email=stored["from_email"],
        to=email.to,
        cc=stored["cc"],
        bcc=stored["bcc"],
        reply_to=stored["reply_to"],
        headers=stored["headers"],
        connection=delivery_connection(),
    )
    for content, mimetype in stored["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in stored["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def send_email(*, email_id: int, final_attempt: bool = True) -> None:
    """Send one waiting email of the outbox through the mail server and record the outcome.

    An email no longer waiting (sent by another copy of the task) is left alone, so nothing is sent twice.
    A mail-server error is recorded and raised for the task to retry; the final attempt marks it failed.
    """
    error = None
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id, status=Email.Status.PENDING).first()
        if email is None:
            return
        email.attempts = F("attempts") + 1
        try:
            _message(email).send()
        except RETRYABLE as exc:
            error = exc
            email.error = f"{type(exc).__name__}: {exc}"[:2000]
            if final_attempt:
                email.status = Email.Status.FAILED
        except Exception as exc:  # a bug, not the mail server: retrying would not help
            logger.exception("Email %s could not be sent", email_id)
            email.error = f"{type(exc).__name__}: {exc}"[:2000]
            email.status = Email.Status.FAILED
        else:
            email.status = Email.Status.SENT
            email.sent_at = timezone.now()
            email.error = ""
        email.save(update_fields=["attempts", "status", "error", "sent_at"])
    if error is not None and not final_attempt:
        raise error


def sweep_outbox(*, limit: int = 1_000) -> int:
    """Hand over again the waiting emails that never reached the queue, or were lost there long ago, and the
    stale notices' emails; returns how many emails. A second copy of a task sends nothing (row lock, status)."""
    waiting = list(
        Email.objects.filter(status=Email.Status.PENDING)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=timezone.now() - STALE_AFTER))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue_emails(waiting)
    requeue_stale_emails(limit=limit)
    return len(waiting)


@transaction.atomic
def resend_outbox_emails(emails) -> int:
    """Put the chosen outbox emails back to waiting and send them again after commit; returns how many."""
    ids = list(emails.values_list("pk", flat=True))
    Email.objects.filter(pk__in=ids).update(status=Email.Status.PENDING, error="", queued_at=None)
    transaction.on_commit(partial(_enqueue_emails, ids))
    return len(ids)
