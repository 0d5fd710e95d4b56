"""A partner's copy of an inter-institutional agreement, as their EWP system exports it, and the approvals."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.models import Agreement


class PartnerCopy(models.Model):
    """The latest `iias-get-response` a partner sent for one of our agreements; its history keeps every import.

    The approval state follows from two facts: we approved the partner's copy with the hash it has now, and the
    partner approved our copy.
    """

    class Approval(models.TextChoices):
        BOTH = "both", _("Approved by both sides")
        OURS = "ours", _("Approved by us only")
        THEIRS = "theirs", _("Approved by the partner only")
        NONE = "none", _("Approved by neither side")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="partner_copies", verbose_name=_("agreement")
    )
    partner_hei_id = models.CharField(_("partner's institution ID (SCHAC)"), max_length=255)
    partner_iia_id = models.CharField(_("partner's agreement ID"), max_length=255)
    partner_iia_code = models.CharField(_("partner's agreement code"), max_length=255, blank=True)
    partner_hash = models.CharField(
        _("partner's hash"), max_length=64, blank=True, help_text=_("The iia-hash the partner's document states.")
    )
    document = models.TextField(_("document"), help_text=_("The partner's iias-get-response XML as imported."))
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    approved_hash = models.CharField(
        _("hash we approved"), max_length=64, blank=True, help_text=_("The partner's hash when we approved their copy.")
    )
    approved_at = models.DateTimeField(_("approved by us"), null=True, blank=True)
    partner_approved_at = models.DateTimeField(_("approved by the partner"), null=True, blank=True)
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.NONE, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner's copy of an agreement")
        verbose_name_plural = _("partners' copies of agreements")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner_hei_id", "partner_iia_id"],
                name="partner_copy_unique_partner_ids",
                violation_error_message=_("A copy with this partner's agreement ID is already imported."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return f"{self.agreement} · {self.partner_hei_id} {self.partner_iia_id}"

    def get_absolute_url(self):
        return reverse("admin:ewp_partnercopy_change", args=[self.pk])

    @property
    def we_approved(self) -> bool:
        return bool(self.approved_hash) and self.approved_hash == self.partner_hash

    @property
    def partner_approved(self) -> bool:
        return self.partner_approved_at is not None

    def current_approval(self) -> "PartnerCopy.Approval":
        if self.we_approved and self.partner_approved:
            return self.Approval.BOTH
        if self.we_approved:
            return self.Approval.OURS
        if self.partner_approved:
            return self.Approval.THEIRS
        return self.Approval.NONE
