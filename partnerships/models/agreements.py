"""Cooperation agreements: their lifecycle, documents and EWP-shaped cooperation conditions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.files import private_storage, validate_pdf
from config.models import StatusTransition

from .partners import Contact, IscedField, Partner, Unit

ACADEMIC_YEAR = RegexValidator(r"^(\d{4})/(\d{4})$", _("Write the academic year as 2025/2026."))


def validate_academic_year(value):
    ACADEMIC_YEAR(value)
    first, second = (int(year) for year in value.split("/"))
    if second != first + 1:
        raise ValidationError(_("An academic year spans two consecutive years, such as 2025/2026."))


class AgreementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Agreement.Status.ACTIVE)

    def expiring_within(self, days: int, today=None):
        """Active agreements whose end date comes within `days` from `today` (the admin's "expiry" filter)."""
        today = today or timezone.localdate()
        return self.active().filter(valid_until__gte=today, valid_until__lte=today + datetime.timedelta(days=days))


class Agreement(models.Model):
    """A cooperation agreement with one or more partners, from draft to expiry."""

    # How far ahead the office looks for agreements that expire (days): the admin's expiry filter, the dashboard.
    EXPIRY_WINDOWS = (30, 90, 180)

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        GENERAL = "general", _("General cooperation agreement")
        STUDENT_EXCHANGE = "student_exchange", _("Student exchange agreement")
        STAFF_EXCHANGE = "staff_exchange", _("Staff exchange agreement")
        DOUBLE_DEGREE = "double_degree", _("Double degree agreement")
        JOINT_DEGREE = "joint_degree", _("Joint degree agreement")
        RESEARCH = "research", _("Research cooperation agreement")
        INTERNSHIP = "internship", _("Internship agreement")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
        NEGOTIATION = "negotiation", _("In negotiation")
        AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
        ACTIVE = "active", pgettext_lazy("agreement status", "Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    reference_number = models.CharField(_("reference number"), max_length=50, blank=True)
    partners = models.ManyToManyField(Partner, related_name="agreements", verbose_name=_("partners"))
    home_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="home_agreements",
        limit_choices_to={"partner__isnull": True},
        verbose_name=_("responsible unit (ours)"),
    )
    partner_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="partner_agreements",
        limit_choices_to={"partner__isnull": False},
        verbose_name=_("responsible units (partner)"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_agreements",
        verbose_name=_("coordinator"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty when open-ended."))
    auto_renewal = models.BooleanField(_("renews automatically"), default=False)
    renewal_notice_days = models.PositiveIntegerField(
        _("notice period (days)"), default=0, help_text=_("How long before expiry either side must give notice.")
    )
    home_signatory = models.CharField(_("signatory (ours)"), max_length=255, blank=True)
    partner_signatory = models.CharField(_("signatory (partner)"), max_length=255, blank=True)
    partner_signing_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_agreements",
        verbose_name=_("signing contact (partner)"),
        help_text=_("The partner's contact person who signs; Erasmus Without Paper exports send their name and email."),
    )
    is_ready_to_exchange = models.BooleanField(
        _("ready to exchange"),
        default=False,
        editable=False,
        help_text=_("Offered to the partner's system as an inter-institutional agreement (EWP)."),
    )
    ready_to_exchange_at = models.DateTimeField(_("ready to exchange since"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-valid_from", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_number"],
                condition=~Q(reference_number=""),
                name="agreement_reference_unique",
                violation_error_message=_("Another agreement already has this reference number."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_dates_in_order",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "expired"]) | Q(signed_on__isnull=False, valid_from__isnull=False),
                name="agreement_in_force_is_signed",
                violation_error_message=_(
                    "An active or expired agreement needs the date it was signed and the date it starts."
                ),
            ),
            models.CheckConstraint(
                condition=Q(auto_renewal=True) | Q(renewal_notice_days=0),
                name="agreement_notice_only_with_renewal",
                violation_error_message=_("A notice period applies only to automatic renewal."),
            ),
        ]
        indexes = [
            # The admin's list, newest first (read backwards), and the agreements of a status ending by a day
            # (the dashboard, the expiry filter, the reminders).
            models.Index(fields=["valid_from", "id"], name="agreement_valid_from_id"),
            models.Index(fields=["status", "valid_until"], name="agreement_status_valid_until"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The agreement cannot end before it starts.")})
        if self.renewal_notice_days and not self.auto_renewal:
            raise ValidationError({"renewal_notice_days": _("A notice period applies only to automatic renewal.")})


class AgreementTransition(StatusTransition):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Agreement.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Agreement.Status.choices)

    class Meta(StatusTransition.Meta):
        pass


class AgreementDocument(models.Model):
    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed copy")
        LANGUAGE_VERSION = "language_version", _("Language version")
        ANNEX = "annex", _("Annex")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SIGNED)
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to="agreements/%Y/",
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
        help_text=_("PDF only, at most 20 MB."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "language"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.language}".strip()

    def get_absolute_url(self):
        return reverse("partnerships:agreement_document", kwargs={"pk": self.pk})


class CooperationCondition(models.Model):
    """What an agreement allows each year in one direction, shaped like an EWP inter-institutional agreement."""

    class MobilityType(models.TextChoices):
        STUDENT_STUDIES = "student_studies", _("Student mobility for studies")
        STUDENT_TRAINEESHIP = "student_traineeship", _("Student traineeship")
        STAFF_TEACHING = "staff_teaching", _("Staff mobility for teaching")
        STAFF_TRAINING = "staff_training", _("Staff mobility for training")
        DOCTORAL_RESEARCH = "doctoral_research", _("Doctoral research stay")

    class Cefr(models.TextChoices):
        A1 = "A1", "A1"
        A2 = "A2", "A2"
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", "C2"

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="conditions"
    )
    sending_partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sending institution"),
        help_text=_("Empty means our university."),
    )
    sending_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sending unit")
    )
    receiving_partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving institution"),
        help_text=_("Empty means our university."),
    )
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("receiving unit")
    )
    mobility_type = models.CharField(_("mobility type"), max_length=30, choices=MobilityType.choices)
    academic_year_from = models.CharField(
        _("from academic year"), max_length=9, validators=[validate_academic_year], help_text=_("e.g. 2025/2026")
    )
    academic_year_to = models.CharField(
        _("to academic year"), max_length=9, validators=[validate_academic_year], help_text=_("e.g. 2029/2030")
    )
    places_per_year = models.PositiveSmallIntegerField(_("places per year"), validators=[MinValueValidator(1)])
    total_months_per_year = models.DecimalField(
        _("total months per year"), max_digits=5, decimal_places=1, null=True, blank=True, help_text=_("Students.")
    )
    total_days_per_year = models.PositiveSmallIntegerField(
        _("total days per year"), null=True, blank=True, help_text=_("Staff.")
    )
    fields_of_education = models.ManyToManyField(IscedField, blank=True, verbose_name=_("fields of education"))
    eqf_levels = models.JSONField(
        _("EQF levels"), default=list, blank=True, help_text=_("Levels 5 to 8, e.g. [6, 7] for bachelor and master.")
    )
    language = models.CharField(_("recommended language"), max_length=10, blank=True, help_text=_("e.g. en, zh, ru"))
    cefr_level = models.CharField(_("language level (CEFR)"), max_length=2, blank=True, choices=Cefr.choices)
    is_blended = models.BooleanField(_("blended mobility"), default=False)
    other_terms = models.TextField(_("other terms"), blank=True)

    class Meta:
        verbose_name = _("cooperation condition")
        verbose_name_plural = _("cooperation conditions")
        # The id last: two conditions of one type and years (out and in) keep one order on every page and export.
        ordering = ["mobility_type", "academic_year_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_per_year__gte=1),
                name="condition_places_positive",
                violation_error_message=_("A condition offers at least one place per year."),
            ),
            models.CheckConstraint(
                condition=Q(academic_year_to__gte=models.F("academic_year_from")),
                name="condition_years_in_order",
                violation_error_message=_("The last academic year comes before the first."),
            ),
            models.CheckConstraint(
                condition=Q(sending_partner__isnull=False) | Q(receiving_partner__isnull=False),
                name="condition_involves_a_partner",
                violation_error_message=_("One side of a condition must be a partner institution."),
            ),
            models.CheckConstraint(
                condition=Q(total_months_per_year__isnull=True) | Q(total_months_per_year__gt=0),
                name="condition_months_positive",
                violation_error_message=_("The total months per year must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.get_mobility_type_display()}, {self.academic_year_from}–{self.academic_year_to}"

    def clean(self):
        if self.academic_year_from and self.academic_year_to and self.academic_year_to < self.academic_year_from:
            raise ValidationError({"academic_year_to": _("The last academic year comes before the first.")})
        # That one side is a partner is the condition_involves_a_partner constraint's, with the same message.
        if self.sending_partner_id and self.sending_partner_id == self.receiving_partner_id:
            raise ValidationError(_("The sending and receiving institutions must differ."))
        levels = self.eqf_levels or []
        if not isinstance(levels, list) or any(level not in (5, 6, 7, 8) for level in levels):
            raise ValidationError({"eqf_levels": _("EQF levels are whole numbers from 5 to 8, e.g. [6, 7].")})
