from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .registry import RULES, get_rule


def parse_offsets(text: str) -> list[int]:
    """ "180, 90, 30, 7" → [180, 90, 30, 7]; anything but whole numbers from 0 to 3650 is refused."""
    try:
        offsets = [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise ValidationError(_("Write whole numbers of days separated by commas, e.g. 90, 30, 7.")) from None
    if any(not 0 <= offset <= 3650 for offset in offsets):
        raise ValidationError(_("Each number of days must be between 0 and 3650."))
    return offsets


def validate_offsets(text):
    parse_offsets(text)


class ReminderRule(models.Model):
    """The settings staff edit for one rule of the registry: its days and whether it runs at all."""

    key = models.CharField(_("rule"), max_length=64, unique=True, editable=False)
    offsets = models.CharField(
        _("days"),
        max_length=200,
        blank=True,
        validators=[validate_offsets],
        help_text=_("Days before (or after) the date when a reminder goes out, separated by commas."),
    )
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Unselect to stop this kind of reminder."))

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["key"]

    def __str__(self):
        return str(get_rule(self.key).label or self.key)

    @property
    def offset_list(self) -> list[int]:
        return parse_offsets(self.offsets)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_list(self):
        """With each notice's object loaded the way its rule's message reads it (one query per kind)."""
        querysets = {}
        for rule in RULES.values():
            queryset = rule.list_queryset()
            if queryset is not None:
                querysets.setdefault(queryset.model, queryset)
        return self.prefetch_related(GenericPrefetch("target", list(querysets.values())))


class Notification(models.Model):
    """One notice to one person about one object at one stage: in the portal, and by email when wanted.

    The row is the claim: it is inserted before anything is sent, and its unique key makes the notice go
    out once even when two sweeps or two workers run at the same time.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", pgettext_lazy("email status", "Sent")
        FAILED = "failed", pgettext_lazy("email status", "Failed")
        OFF = "off", _("Not sent by email")

    rule = models.CharField(_("kind"), max_length=64)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=pgettext_lazy("notification", "about")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    stage = models.CharField(
        pgettext_lazy("reminder", "stage"), max_length=32, help_text=_("Days before or after the date, or a week.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(pgettext_lazy("notification", "read"), null=True, blank=True)
    # Which sweep or event inserted the row: it tells the new claims from those that were already there.
    claim = models.UUIDField(editable=False, db_index=True)
    email_status = models.CharField(_("email"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_error = models.TextField(_("reason of failure"), blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications and email outbox")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "stage", "recipient"],
                name="notification_once_per_key",
                violation_error_message=_("This notice has already been recorded for this recipient."),
                violation_error_code="unique",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.rule} {self.stage} → {self.recipient_id}"

    @property
    def kind(self):
        return get_rule(self.rule)

    def message(self):
        """The notice in the active language; empty when its object has been deleted."""
        return self.kind.message(self.target, self) if self.target is not None else ""


class EmailOptOut(models.Model):
    """A kind of notice a person does not want by email (they still see it in the portal)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    rule = models.CharField(_("kind"), max_length=64)

    class Meta:
        verbose_name = _("email opt-out")
        verbose_name_plural = _("email opt-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "rule"],
                name="email_opt_out_once",
                violation_error_message=_("This person has already opted out of these emails."),
                violation_error_code="unique",
            )
        ]

    def __str__(self):
        return f"{self.user_id}: {self.rule}"


class Email(models.Model):
    """One email in the outbox: stored with the change that wrote it, sent by a task after commit.

    Every email the portal sends through Django's mail API lands here (sign-up, password reset, anything
    else); a notice's email is recorded on the notice itself. A row whose task never reached the queue, or
    was lost there, is handed over again by the outbox sweep.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", pgettext_lazy("email status", "Sent")
        FAILED = "failed", pgettext_lazy("email status", "Failed")

    subject = models.CharField(_("subject"), max_length=998)
    to = models.JSONField(_("to"), default=list)
    message = models.JSONField(_("message"), help_text=_("The email as the portal wrote it."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(
        _("handed to the queue"), null=True, blank=True, help_text=_("Empty while the task queue could not take it.")
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("reason of failure"), blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("email outbox")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], condition=Q(status="pending"), name="email_pending")]

    def __str__(self):
        return self.subject
