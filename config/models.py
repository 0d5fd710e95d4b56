"""The portal's own identity (the home university) and the bases every app's records share."""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from .files import private_storage, validate_logo_size


class HomeInstitutionQuerySet(models.QuerySet):
    def current(self):
        return self.first()


class HomeInstitution(models.Model):
    """The university that runs this portal: its name and contacts, shown in every page's footer."""

    # A constant that is unique in the database, so there is only ever one row.
    singleton = models.BooleanField(default=True, editable=False)
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_(
            "In each language as the university itself writes it (in Chinese, the name it uses with Chinese "
            "partners), not a word-by-word translation."
        ),
    )
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    welcome = models.TextField(
        _("welcome text"),
        blank=True,
        help_text=_("One or two sentences on the home page about international cooperation."),
    )
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    country = CountryField(_("country"), default="KZ")
    phone_label = models.CharField(
        _("phone label"), max_length=100, blank=True, help_text=_("Whose phone it is, e.g. «Chancellery».")
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("chancellery email"), blank=True)
    info_email = models.EmailField(_("information email"), blank=True)
    staff_email_domains = models.CharField(
        _("university email domains"),
        max_length=255,
        blank=True,
        help_text=_(
            "Comma-separated, e.g. auezov.edu.kz. Faculty members sign up with an address at one of these "
            "domains; without one, only students can sign up."
        ),
    )
    international_office_email = models.EmailField(
        _("international office email"), blank=True, help_text=_("Shown on partner pages as the office's contact.")
    )
    international_office_phone = models.CharField(_("international office phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    hei_id = models.CharField(
        _("EWP HEI ID"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", _("A HEI ID is the institution's domain, e.g. xju.edu.cn."))
        ],
        help_text=_("The SCHAC code used by Erasmus Without Paper."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="home/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"]), validate_logo_size],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )

    objects = HomeInstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("home university")
        verbose_name_plural = _("home university")
        constraints = [
            models.UniqueConstraint(
                fields=["singleton"],
                name="home_institution_single_row",
                violation_error_message=_("The home university is already recorded; change that record instead."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=models.Q(singleton=True),
                name="home_institution_singleton_true",
                violation_error_message=_("The home university is already recorded; change that record instead."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def faculty_domains(self):
        return [domain.strip().lower() for domain in self.staff_email_domains.split(",") if domain.strip()]


E164 = RegexValidator(r"^\+[0-9]{1,15}$", _("Write the number in international form, e.g. +77252210141."))
MONTH_DAY = RegexValidator(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", _("Write the month and day as 05-15."))


class FactsheetQuerySet(models.QuerySet):
    def current(self):
        return self.first()


class Factsheet(models.Model):
    """What partners' students and offices need to know before a mobility to the home university (EWP factsheet)."""

    singleton = models.BooleanField(default=True, editable=False)
    nominations_autumn = models.CharField(
        _("nominations for the autumn term by"), max_length=5, validators=[MONTH_DAY], help_text=_("e.g. 05-15")
    )
    nominations_spring = models.CharField(
        _("nominations for the spring term by"), max_length=5, validators=[MONTH_DAY], help_text=_("e.g. 11-15")
    )
    applications_autumn = models.CharField(
        _("applications for the autumn term by"), max_length=5, validators=[MONTH_DAY], help_text=_("e.g. 06-01")
    )
    applications_spring = models.CharField(
        _("applications for the spring term by"), max_length=5, validators=[MONTH_DAY], help_text=_("e.g. 12-01")
    )
    decision_weeks = models.PositiveSmallIntegerField(
        _("decision within (weeks)"),
        validators=[MaxValueValidator(52)],
        help_text=_("How many weeks after an application the student hears our decision."),
    )
    transcript_weeks = models.PositiveSmallIntegerField(
        _("transcript of records within (weeks)"),
        validators=[MaxValueValidator(52)],
        help_text=_("How many weeks after the mobility ends we send the transcript of records."),
    )
    application_email = models.EmailField(_("applications: email"))
    application_phone = models.CharField(
        _("applications: phone"),
        max_length=20,
        validators=[E164],
        help_text=_("In international form, e.g. +77252210141."),
    )
    application_url = models.URLField(_("applications: web page"))
    requirements = models.TextField(
        _("additional requirements"),
        blank=True,
        help_text=_("One per line as «name: details», e.g. «Language: Russian B1 or English B2»."),
    )
    housing_email = models.EmailField(_("housing: email"))
    housing_phone = models.CharField(_("housing: phone"), max_length=20, validators=[E164])
    housing_url = models.URLField(_("housing: web page"))
    visa_email = models.EmailField(_("visa: email"))
    visa_phone = models.CharField(_("visa: phone"), max_length=20, validators=[E164])
    visa_url = models.URLField(_("visa: web page"))
    insurance_email = models.EmailField(_("insurance: email"))
    insurance_phone = models.CharField(_("insurance: phone"), max_length=20, validators=[E164])
    insurance_url = models.URLField(_("insurance: web page"))

    objects = FactsheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("factsheet")
        verbose_name_plural = _("factsheet")
        constraints = [
            models.UniqueConstraint(
                fields=["singleton"],
                name="factsheet_single_row",
                violation_error_message=_("The factsheet is already recorded; change that record instead."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return str(_("factsheet"))

    def clean(self):
        # The form has no singleton field, so the unique constraint is not checked there: the same rule, in words.
        if self._state.adding and Factsheet.objects.exists():
            raise ValidationError(_("The factsheet is already recorded; change that record instead."))

    def requirement_lines(self):
        """The additional requirements as (name, details) pairs."""
        pairs = []
        for line in self.requirements.splitlines():
            name, _colon, details = line.partition(":")
            if name.strip():
                pairs.append((name.strip(), details.strip() or name.strip()))
        return pairs


class StatusTransition(models.Model):
    """One step of a lifecycle: who moved the record, when, from what status to what, and why.

    Subclasses add the record they belong to and from_status/to_status with that record's choices.
    """

    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def check_transition(transitions: Mapping, current: models.TextChoices, target: models.TextChoices, *, message) -> None:
    """Refuse a move that the lifecycle's transitions table (status -> statuses that may follow) does not allow.

    `message` is the translated sentence that names the record, with %(current)s and %(target)s for the labels
    of the two statuses, e.g. "An agreement that is «%(current)s» cannot become «%(target)s»."
    """
    if target not in transitions[current]:
        raise ValidationError(
            message, params={"current": current.label, "target": target.label}, code="invalid_transition"
        )


def translate_permissions():
    """One permission per language: "Translate into Kazakh"… (the translator role, README «Translations»)."""
    return [
        ("translate_" + code.replace("-", "_"), f"Translate content into {name}") for code, name in settings.LANGUAGES
    ]


class TranslationState(models.Model):
    """Which languages of one translated record are complete and which are stale (its source changed after them).

    One row per record of every model registered with modeltranslation, written after each save of the record.
    """

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=255, blank=True)
    source_language = models.CharField(
        _("source language"),
        max_length=10,
        choices=settings.LANGUAGES,
        help_text=_("The language the text was written in; the others are translations of it."),
    )
    missing = models.JSONField(_("missing languages"), default=list, blank=True)
    stale = models.JSONField(
        _("stale languages"),
        default=list,
        blank=True,
        help_text=_("Translations saved before the source text last changed."),
    )
    edited_at = models.JSONField(_("edited"), default=dict, blank=True)  # language -> ISO time of its last edit
    # language -> {"text": {field: hash of its text}, "from": {field: hash of the source text it was translated from}}
    digests = models.JSONField(default=dict, blank=True, editable=False)
    is_public = models.BooleanField(_("seen by the public"), default=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["-is_public", "-changed_at"]
        permissions = translate_permissions()
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                name="translation_state_one_per_record",
                violation_error_code="unique",
                violation_error_message=_("This record's translation status is already recorded."),
            )
        ]
        indexes = [models.Index(fields=["-is_public", "-changed_at"], name="translation_state_queue")]

    def __str__(self):
        return self.label


class ExportJobQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(requested_by=user)

    def waiting(self, *, handed_over_before):
        """Queued jobs that never reached the task queue, or reached it so long ago that their task was lost."""
        return self.filter(status=ExportJob.Status.QUEUED).filter(
            models.Q(enqueued_at__isnull=True) | models.Q(enqueued_at__lt=handed_over_before)
        )

    def stalled(self, *, started_before):
        """Running jobs whose worker stopped before it finished (its time limit has long passed)."""
        return self.filter(status=ExportJob.Status.RUNNING, started_at__lt=started_before)

    def expired_by(self, moment):
        return self.filter(status=ExportJob.Status.DONE, expires_at__lte=moment)

    def ended_before(self, moment):
        """Jobs that failed, or whose file expired, before the moment: nothing of them is left to download."""
        return self.filter(
            models.Q(status=ExportJob.Status.FAILED, finished_at__lt=moment)
            | models.Q(status=ExportJob.Status.EXPIRED, expires_at__lt=moment)
        )


class ExportJob(models.Model):
    """One export a person asked for (an admin list or the annual report), written by a task and kept for them
    in the private storage until it expires (EXPORT_KEEP_DAYS)."""

    class Kind(models.TextChoices):
        LIST = "list", _("admin list")
        ANNUAL_REPORT = "annual_report", _("annual report")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("export", "queued")
        RUNNING = "running", pgettext_lazy("export", "being written")
        DONE = "done", pgettext_lazy("export", "ready")
        FAILED = "failed", pgettext_lazy("export", "failed")
        EXPIRED = "expired", pgettext_lazy("export", "expired")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        PDF = "pdf", "PDF"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("requested by")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255, help_text=_("What is exported, in the requester's words."))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # What to export: for a list its model, filter (query string) and selection; for the report its year.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", storage=private_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    enqueued_at = models.DateTimeField(_("handed to the queue at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_job_of_person"),
            models.Index(fields=["status", "expires_at"], name="export_job_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total")),
                name="export_job_progress_within_total",
                violation_error_message=_("An export cannot have done more than its total."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.EXPIRED):
            return 100
        return self.progress_done * 100 // self.progress_total if self.progress_total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    @property
    def can_run_again(self) -> bool:
        """Failed, or its file expired: nothing of it is left to download, so the same export may be asked again."""
        return self.status in (self.Status.FAILED, self.Status.EXPIRED)
