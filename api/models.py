import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

# Every token starts with this, so that secret scanners and people recognise a leaked one.
TOKEN_PREFIX = "kopir_"  # noqa: S105 (a public marker, not a secret)
# How much of a token the admin keeps in clear to tell tokens apart: the prefix and 8 random characters.
SHOWN_LENGTH = len(TOKEN_PREFIX) + 8


def hash_secret(secret: str) -> str:
    """SHA-256 of the whole token: the secrets are random and long, so a fast hash can be looked up directly."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def by_secret(self, secret: str):
        """The token with this secret, revoked and expired ones included (so the answer can say which)."""
        return self.filter(key_hash=hash_secret(secret)).first()

    def usable(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A secret that lets another system read the API's private endpoints, within its scopes and until it expires.

    Only the SHA-256 hash of the secret is stored; the secret is shown once, when the token is issued.
    """

    class Scope(models.TextChoices):
        AGREEMENTS = "agreements", _("Read partners and agreements")
        NOMINATIONS = "nominations", _("Read calls and nominations")
        MOBILITIES = "mobilities", _("Read mobilities")
        EWP = "ewp", _("Read Erasmus Without Paper documents")

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("token state", "Active")
        EXPIRED = "expired", pgettext_lazy("token state", "Expired")
        REVOKED = "revoked", pgettext_lazy("token state", "Revoked")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("The system that uses it, e.g. «Student information system».")
    )
    scopes = models.JSONField(_("scopes"), default=list, help_text=_("What the token may read."))
    shown_part = models.CharField(_("token begins with"), max_length=SHOWN_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("issued by"),
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )
    # Each use updates last_used_at with a query of its own, which the history does not record.
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="token_expires_later",
                violation_error_message=_("A token must expire after it is created."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="token_revoked_by_someone",
                violation_error_message=_("A revoked token records when it was revoked and by whom."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.shown_part}…)"

    def clean(self):
        errors = {}
        scopes = self.scopes or []
        if not isinstance(scopes, list) or not scopes or any(scope not in self.Scope.values for scope in scopes):
            errors["scopes"] = _("Choose at least one scope from the list.")
        if self.expires_at and self.expires_at <= (self.created_at or timezone.now()):
            errors["expires_at"] = _("A token must expire in the future.")
        if errors:
            raise ValidationError(errors)

    def has_scope(self, scope) -> bool:
        return scope in self.scopes

    def state(self, now=None):
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.ACTIVE

    def scope_labels(self):
        return [self.Scope(scope).label for scope in self.scopes if scope in self.Scope.values]


class ApiTokenUse(models.Model):
    """One request made with a token, kept API_TOKEN_LOG_DAYS days."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses", verbose_name=_("API token"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("address"), max_length=500)
    status = models.PositiveSmallIntegerField(_("answer"))
    client = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("use of an API token")
        verbose_name_plural = _("uses of API tokens")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"]), models.Index(fields=["at"])]

    def __str__(self):
        return f"{self.method} {self.path} → {self.status}"
