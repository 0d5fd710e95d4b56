import warnings
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.roles import is_office
from config.files import private_storage
from config.models import StatusTransition
from config.text import join_labels
from config.translations import check_required_languages, codes_in
from partnerships.models import Agreement, CooperationCondition, Partner, Unit, unique_slug

CEFR_ORDER = [value for value, _label in CooperationCondition.Cefr.choices]


class PriorityCategory(models.Model):
    """A category of applicants who rank first among equal scores (e.g. orphans, persons with disabilities)."""

    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("priority category")
        verbose_name_plural = _("priority categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExchangeCallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self, now=None):
        """Published calls whose application window is open now."""
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def next_window_change(self, now):
        """The next time a published call opens or closes, after `now` (None if none will)."""
        ahead = self.published().aggregate(
            opens=models.Min("opens_at", filter=Q(opens_at__gt=now)),
            closes=models.Min("closes_at", filter=Q(closes_at__gt=now)),
        )
        return min((moment for moment in ahead.values() if moment is not None), default=None)

    def reviewable_by(self, user):
        """Every call for office staff; for a faculty member, the calls given to them to review."""
        return self if is_office(user) else self.filter(reviewers=user)


class ExchangeCall(models.Model):
    """A call for applications: who may go where, when, on what terms, and how applicants are selected."""

    class MobilityType(models.TextChoices):
        SEMESTER = "semester", _("Semester exchange")
        SCHOOL = "school", _("Summer or winter school")
        STAFF_TEACHING = "staff_teaching", _("Staff mobility for teaching")
        STAFF_TRAINING = "staff_training", _("Training or internship for teaching staff")
        DOCTORAL_RESEARCH = "doctoral_research", _("Doctoral research stay")
        MASTER_PRACTICE = "master_practice", _("Scientific practice for master's students")

    class Level(models.TextChoices):
        BACHELOR = "bachelor", _("Bachelor students")
        MASTER = "master", _("Master's students")
        DOCTORAL = "doctoral", _("Doctoral students")
        STAFF = "staff", _("Teaching staff")

    class Funding(models.TextChoices):
        UNIVERSITY = "university", _("University budget")
        STATE = "state", _("State budget")
        PARTNER = "partner", _("Partner university")
        ERASMUS = "erasmus", _("Erasmus+")
        SELF = "self", _("Self-funded")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("address on the site"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    mobility_type = models.CharField(_("mobility type"), max_length=30, choices=MobilityType.choices)
    levels = models.JSONField(
        _("who may apply"), default=list, help_text=_("Any of: bachelor, master, doctoral, staff.")
    )
    faculties = models.ManyToManyField(
        Unit,
        blank=True,
        limit_choices_to={"partner__isnull": True},
        related_name="calls",
        verbose_name=_("faculties"),
        help_text=_("Empty means every faculty."),
    )
    partners = models.ManyToManyField(
        Partner, through="CallHost", related_name="calls", verbose_name=_("host institutions")
    )
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="calls", verbose_name=_("agreements"))
    conditions = models.ManyToManyField(
        CooperationCondition, blank=True, related_name="calls", verbose_name=_("places from cooperation conditions")
    )
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    mobility_starts_on = models.DateField(_("mobility starts"))
    mobility_ends_on = models.DateField(_("mobility ends"))
    min_gpa = models.DecimalField(
        _("minimum GPA"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("4"))],
        help_text=_("On a 4.0 scale, e.g. 2.80."),
    )
    min_credits = models.PositiveSmallIntegerField(_("credits completed"), null=True, blank=True)
    min_language_level = models.CharField(
        _("minimum language level (CEFR)"), max_length=2, blank=True, choices=CooperationCondition.Cefr.choices
    )
    min_year_of_study = models.PositiveSmallIntegerField(_("from year of study"), null=True, blank=True)
    no_academic_debts = models.BooleanField(_("no academic debts"), default=True)
    priority_categories = models.ManyToManyField(
        PriorityCategory,
        blank=True,
        related_name="calls",
        verbose_name=_("priority categories"),
        help_text=_("Among equal scores, applicants in one of these categories rank first."),
    )
    document_kinds = models.JSONField(_("required documents"), default=list, blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        limit_choices_to={"role__in": [User.Role.STAFF, User.Role.FACULTY]},
        related_name="calls_to_review",
        verbose_name=_("reviewers"),
        help_text=_("Faculty members who score the applications; office staff always may."),
    )
    has_second_stage = models.BooleanField(_("second selection stage"), default=False)
    second_stage = models.TextField(_("about the second stage"), blank=True, help_text=_("e.g. an interview."))
    is_published = models.BooleanField(pgettext_lazy("exchange call", "published"), default=False)
    selection_confirmed_at = models.DateTimeField(_("selection confirmed"), null=True, blank=True, editable=False)
    closed_early_at = models.DateTimeField(_("closed early"), null=True, blank=True, editable=False)
    closed_early_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("closed early by"),
    )

    objects = ExchangeCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange call")
        verbose_name_plural = _("exchange calls")
        ordering = ["closes_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_window_in_order",
                violation_error_message=_("Applications must close after they open."),
            ),
            models.CheckConstraint(
                condition=Q(mobility_ends_on__gte=models.F("mobility_starts_on")),
                name="call_mobility_in_order",
                violation_error_message=_("The mobility cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="call_places_positive",
                violation_error_message=_("A call offers at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(min_gpa__isnull=True) | Q(min_gpa__gte=0, min_gpa__lte=4),
                name="call_gpa_on_four_scale",
                violation_error_message=_("The GPA is on a scale from 0 to 4."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(ExchangeCall.objects.exclude(pk=self.pk), self.title_en or self.title, "call")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("mobility:call_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Applications must close after they open.")})
        if self.mobility_starts_on and self.mobility_ends_on and self.mobility_ends_on < self.mobility_starts_on:
            raise ValidationError({"mobility_ends_on": _("The mobility cannot end before it starts.")})
        levels = self.levels or []
        if not isinstance(levels, list) or not levels or any(level not in self.Level.values for level in levels):
            raise ValidationError({"levels": _("Choose who may apply: bachelor, master, doctoral or staff.")})
        if self.is_published:
            check_required_languages(self)

    def translation_languages(self, word):
        """The languages a published call needs (settings.PUBLISH_REQUIRED_LANGUAGES): "instruction", those of its
        cooperation conditions; "partner", the preferred languages of its host institutions."""
        if self.pk is None:
            return []
        if word == "instruction":
            return [code for text in self.conditions.values_list("language", flat=True) for code in codes_in(text)]
        if word == "partner":
            return [code for code in self.partners.values_list("language", flat=True) if code]
        return []

        kinds = self.document_kinds or []
        if not isinstance(kinds, list) or any(kind not in ApplicationDocument.Kind.values for kind in kinds):
            raise ValidationError({"document_kinds": _("Choose the required documents from the list.")})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    def has_closed(self, now=None):
        """Applications are no longer accepted: the deadline has passed or office staff closed the call early."""
        return self.closes_at <= (now or timezone.now())

    @property
    def is_for_staff_only(self):
        return self.levels == [self.Level.STAFF]

    def admits(self, role: str) -> bool:
        """Whether people with this account role may apply: students at a student level, staff as teaching staff."""
        if role == User.Role.STUDENT:
            return any(level != self.Level.STAFF for level in self.levels)
        return role in {User.Role.STAFF, User.Role.FACULTY} and self.Level.STAFF in self.levels

    def document_labels(self):
        return [ApplicationDocument.Kind(kind).label for kind in self.document_kinds if kind in DOCUMENT_RULES]

    def level_labels(self):
        return [self.Level(level).label for level in self.levels if level in self.Level.values]


class SelectionCriterion(models.Model):
    call = models.ForeignKey(
        ExchangeCall, verbose_name=_("exchange call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=255)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["-weight", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="criterion_weight_percent",
                violation_error_message=_("A criterion weighs from 1 to 100 percent."),
            ),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def validate_weights(weights: list[int]) -> None:
        """A call's criteria share 100 %: their weights (when it has any) must add up to exactly 100."""
        if weights and sum(weights) != 100:
            raise ValidationError(
                _("The weights of the criteria add up to %(total)d %%; they must add up to 100 %%."),
                params={"total": sum(weights)},
            )


class CallHost(models.Model):
    """A host institution a call offers, with its own number of places where the agreement sets one."""

    call = models.ForeignKey(
        ExchangeCall, verbose_name=_("exchange call"), on_delete=models.CASCADE, related_name="hosts"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="call_hosts", verbose_name=_("host"))
    places = models.PositiveSmallIntegerField(
        _("places at this host"), null=True, blank=True, help_text=_("Empty: any of the call's places.")
    )

    class Meta:
        verbose_name = _("host institution")
        verbose_name_plural = _("host institutions")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "partner"],
                name="call_host_once",
                violation_error_message=_("This call already offers this host."),
                violation_error_code="unique",
            )
        ]

    def __str__(self):
        return str(self.partner)


MEGABYTE = 1024 * 1024
PDF, JPEG, PNG = "pdf", "jpeg", "png"


class ApplicationQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])

    def in_selection(self):
        """Applications that take part in the ranking of their call."""
        return self.filter(status__in=Application.RANKED_STATUSES)

    def reviewable_by(self, user):
        """Submitted applications this user may read and score: office staff all, faculty their calls'."""
        if is_office(user):
            return self.submitted()
        return self.submitted().filter(call__reviewers=user)

    def nominations(self):
        """Applications nominated to a host: nominated, accepted by the host, or completed."""
        return self.filter(status__in=Application.NOMINATION_STATUSES)

    def nominees_to(self, partner):
        """The nominees to one host (nominated or accepted by it) in the order of the ranking, with their names."""
        return (
            self.filter(host=partner, status__in=[Application.Status.NOMINATED, Application.Status.ACCEPTED])
            .select_related("applicant", "faculty")
            .order_by(models.F("selection_rank").asc(nulls_last=True), "submitted_at", "pk")
        )

    def counts_by_call_and_status(self):
        """{call id: {status: number of applications}}, in one query."""
        counts = {}
        for call, status, number in self.order_by().values_list("call", "status").annotate(number=Count("pk")):
            counts.setdefault(call, {})[status] = number
        return counts

    def counts_by_call_and_host(self):
        """{(call id, host id): number of applications}, in one query; applications without a host are left out."""
        rows = self.filter(host__isnull=False).order_by().values_list("call", "host").annotate(number=Count("pk"))
        return {(call, host): number for call, host, number in rows}


class Application(models.Model):
    """A student's or staff member's application to an exchange call, from draft to the realised mobility."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("application", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("application", "Submitted")
        UNDER_REVIEW = "under_review", pgettext_lazy("application", "Under review")
        SHORTLISTED = "shortlisted", pgettext_lazy("application", "Shortlisted")
        NOMINATED = "nominated", pgettext_lazy("application", "Nominated")
        ACCEPTED = "accepted", pgettext_lazy("application", "Accepted by the host")
        COMPLETED = "completed", pgettext_lazy("application", "Completed")
        REJECTED = "rejected", pgettext_lazy("application", "Not selected")
        WAITLISTED = "waitlisted", pgettext_lazy("application", "On the waiting list")
        WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")

    RANKED_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.SHORTLISTED, Status.NOMINATED, Status.WAITLISTED)
    NOMINATION_STATUSES = (Status.NOMINATED, Status.ACCEPTED, Status.COMPLETED)

    call = models.ForeignKey(
        ExchangeCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("exchange call")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    level = models.CharField(_("level"), max_length=20, choices=ExchangeCall.Level.choices, blank=True)
    faculty = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"partner__isnull": True, "parent__isnull": True},
        related_name="applications",
        verbose_name=_("faculty"),
    )
    gpa = models.DecimalField(
        _("GPA"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("4"))],
        help_text=_("On a 4.0 scale, as on your transcript."),
    )
    credits = models.PositiveSmallIntegerField(_("credits completed"), null=True, blank=True)
    language_level = models.CharField(
        _("language level (CEFR)"), max_length=2, blank=True, choices=CooperationCondition.Cefr.choices
    )
    year_of_study = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    has_academic_debts = models.BooleanField(_("I have academic debts"), null=True, blank=True)
    priority_category = models.ForeignKey(
        PriorityCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("priority category"),
    )
    latin_name = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("As in your passport: the host university writes your name this way."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    motivation = models.TextField(_("why this exchange"), blank=True)
    host = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="nominees",
        verbose_name=_("nominated to"),
    )
    waitlist_position = models.PositiveSmallIntegerField(
        _("place on the waiting list"), null=True, blank=True, editable=False
    )
    selection_rank = models.PositiveSmallIntegerField(_("rank in the selection"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            # A withdrawn application stays on record, and its applicant may start again while the call is open.
            models.UniqueConstraint(
                fields=["call", "applicant"],
                condition=~Q(status="withdrawn"),
                name="one_application_per_call",
                violation_error_message=_("This person has already applied to this call."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(gpa__isnull=True) | Q(gpa__gte=0, gpa__lte=4),
                name="application_gpa_on_four_scale",
                violation_error_message=_("The GPA is on a scale from 0 to 4."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_application_has_date",
                violation_error_message=_("A submitted application needs the date it was submitted."),
            ),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return f"{self.applicant} — {self.call}"

    def get_absolute_url(self):
        return reverse("mobility:application_detail", kwargs={"pk": self.pk})

    @property
    def name_in_latin(self):
        """The passport spelling of the applicant's name: given in the application, else the account's."""
        return self.latin_name or self.applicant.latin_name

    @property
    def is_editable(self):
        """A draft can be changed while its call accepts applications."""
        return self.status == self.Status.DRAFT and self.call.is_open()

    @property
    def can_be_withdrawn(self):
        return self.status in APPLICANT_WITHDRAWABLE

    @property
    def is_student(self):
        return self.level in {ExchangeCall.Level.BACHELOR, ExchangeCall.Level.MASTER, ExchangeCall.Level.DOCTORAL}

    def eligibility_failures(self):
        """The call's rules this application does not meet, each as a sentence for the applicant."""
        call = self.call
        failures = []
        if self.level and self.level not in call.levels:
            failures.append(_("This call is for: %(levels)s.") % {"levels": join_labels(call.level_labels())})
        if self.level == ExchangeCall.Level.STAFF and self.applicant.role == User.Role.STUDENT:
            failures.append(_("Only university staff can apply as teaching staff."))
        if self.is_student and self.applicant.role != User.Role.STUDENT:
            failures.append(_("Only students can apply at a student level."))
        faculty_ids = {faculty.pk for faculty in call.faculties.all()}
        if faculty_ids and self.faculty_id and self.faculty_id not in faculty_ids:
            failures.append(_("This call is not open to your faculty."))
        if self.is_student:
            if call.min_gpa is not None and self.gpa is not None and self.gpa < call.min_gpa:
                failures.append(
                    _("Your GPA %(gpa)s is below the minimum of %(minimum)s.")
                    % {"gpa": self.gpa, "minimum": call.min_gpa}
                )
            if call.min_credits and self.credits is not None and self.credits < call.min_credits:
                failures.append(
                    _("You have completed %(credits)s credits; the call asks for at least %(minimum)s.")
                    % {"credits": self.credits, "minimum": call.min_credits}
                )
            if call.min_year_of_study and self.year_of_study and self.year_of_study < call.min_year_of_study:
                failures.append(
                    _("The call is open from year %(minimum)s of study; you are in year %(year)s.")
                    % {"minimum": call.min_year_of_study, "year": self.year_of_study}
                )
            if call.no_academic_debts and self.has_academic_debts:
                failures.append(_("Applicants must have no academic debts."))
        if (
            call.min_language_level
            and self.language_level
            and CEFR_ORDER.index(self.language_level) < CEFR_ORDER.index(call.min_language_level)
        ):
            failures.append(
                _("Your language level %(level)s is below the required %(minimum)s.")
                % {"level": self.language_level, "minimum": call.min_language_level}
            )
        return failures

    def missing_items(self):
        """What the applicant still has to give before the application can be submitted."""
        missing = []
        answers = [("level", _("your level"))]
        if self.call.faculties.all() or self.is_student:
            answers.append(("faculty_id", _("your faculty")))
        if self.is_student:
            if self.call.min_gpa is not None:
                answers.append(("gpa", _("your GPA")))
            if self.call.min_credits:
                answers.append(("credits", _("the credits you have completed")))
            if self.call.min_year_of_study:
                answers.append(("year_of_study", _("your year of study")))
            if self.call.no_academic_debts:
                answers.append(("has_academic_debts", _("whether you have academic debts")))
        if self.call.min_language_level:
            answers.append(("language_level", _("your language level")))
        answers.append(("motivation", _("why you want this exchange")))
        missing += [label for field, label in answers if getattr(self, field) in (None, "")]
        if not self.choices.all():
            missing.append(_("your choice of host institutions"))
        uploaded = {document.kind for document in self.documents.all()}
        missing += [ApplicationDocument.Kind(kind).label for kind in self.call.document_kinds if kind not in uploaded]
        return missing


APPLICANT_WITHDRAWABLE = {
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.UNDER_REVIEW,
    Application.Status.SHORTLISTED,
    Application.Status.WAITLISTED,
    Application.Status.NOMINATED,
}


class ApplicationTransition(StatusTransition):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Application.Status.choices)

    class Meta(StatusTransition.Meta):
        ordering = ["at", "pk"]


class HostChoice(models.Model):
    """One host institution an applicant would like to go to, ranked (1 = first choice)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="choices"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("host"))
    rank = models.PositiveSmallIntegerField(_("choice"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("choice of host")
        verbose_name_plural = _("choices of host")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "rank"],
                name="one_host_per_choice",
                violation_error_message=_("The application already has a host at this rank."),
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["application", "partner"],
                name="host_chosen_once",
                violation_error_message=_("The application already chooses this host."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.partner}"


class DocumentRule:
    """Which formats a kind of document may have, and how large it may be."""

    def __init__(self, formats, max_megabytes):
        self.formats = formats
        self.max_bytes = max_megabytes * MEGABYTE


class ApplicationDocument(models.Model):
    class Kind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Transcript of records")
        LANGUAGE_CERTIFICATE = "language_certificate", _("Language certificate")
        MOTIVATION_LETTER = "motivation_letter", _("Motivation letter")
        CV = "cv", _("CV")
        PASSPORT = "passport", _("Passport copy")
        RECOMMENDATION = "recommendation", _("Recommendation letter")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="applications/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                name="one_document_per_kind",
                violation_error_message=_("The application already has a document of this kind."),
                violation_error_code="unique",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("mobility:document_download", kwargs={"pk": self.pk})

    @property
    def rule(self):
        return DOCUMENT_RULES[self.kind]


DOCUMENT_RULES = {
    ApplicationDocument.Kind.TRANSCRIPT: DocumentRule([PDF], 10),
    ApplicationDocument.Kind.LANGUAGE_CERTIFICATE: DocumentRule([PDF, JPEG, PNG], 10),
    ApplicationDocument.Kind.MOTIVATION_LETTER: DocumentRule([PDF], 5),
    ApplicationDocument.Kind.CV: DocumentRule([PDF], 5),
    ApplicationDocument.Kind.PASSPORT: DocumentRule([PDF, JPEG, PNG], 5),
    ApplicationDocument.Kind.RECOMMENDATION: DocumentRule([PDF], 5),
}


def detect_format(file):
    """The real format of an uploaded file, read from its content (never its name): pdf, jpeg, png or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    # Anything a parser raises on a hostile file (broken trees, decompression bombs) means "not readable".
    # The parsers are imported here: pypdf alone takes a sixth of a second to load, and only uploads need them.
    if head.startswith(b"%PDF-"):
        from pypdf import PdfReader

        try:
            readable = len(PdfReader(file).pages) > 0  # walks the page tree: a whole PDF has one
        except Exception:
            readable = False
        finally:
            file.seek(0)
        return PDF if readable else None
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(file) as image:
                    image.verify()
                    kind = image.format
        except Exception:
            return None
        finally:
            file.seek(0)
        return {"JPEG": JPEG, "PNG": PNG}.get(kind)
    return None


def validate_application_document(kind, file):
    """Refuse a file that is too large or whose content is not one of the formats allowed for its kind."""
    rule = DOCUMENT_RULES[kind]
    if file.size > rule.max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(rule.max_bytes)},
            code="file_too_large",
        )
    if detect_format(file) not in rule.formats:
        raise ValidationError(
            _("This file is not a readable %(formats)s file. Allowed: %(formats)s."),
            params={"formats": ", ".join(fmt.upper() for fmt in rule.formats)},
            code="wrong_format",
        )


class Review(models.Model):
    """One reviewer's scores of one application, criterion by criterion."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("reviewer")
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="one_review_per_reviewer",
                violation_error_message=_("This reviewer has already reviewed the application."),
                violation_error_code="unique",
            )
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.application}"


class Score(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    points = models.PositiveSmallIntegerField(
        _("points (0–100)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["-criterion__weight", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"],
                name="one_score_per_criterion",
                violation_error_message=_("The review already scores this criterion."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(points__lte=100),
                name="score_points_percent",
                violation_error_message=_("Points are at most 100."),
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class MobilityQuerySet(models.QuerySet):
    def counts_by_year(self, partner):
        """Realised mobilities (not cancelled) with a partner per year and direction, newest year first: one query.

        [{"year": 2026, "outgoing": 3, "incoming": 1}, ...]
        """
        counts = (
            self.filter(partner=partner)
            .exclude(status=Mobility.Status.CANCELLED)
            .annotate(year=ExtractYear("starts_on"))
            .values("year", "direction")
            .annotate(count=Count("pk"))
            .order_by()
        )
        years = {}
        for row in counts:
            years.setdefault(row["year"], {"year": row["year"], "outgoing": 0, "incoming": 0})[row["direction"]] = row[
                "count"
            ]
        return sorted(years.values(), key=lambda row: row["year"], reverse=True)


class Mobility(models.Model):
    """A person who actually goes to a partner or comes from one."""

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", pgettext_lazy("mobility direction", "Outgoing")
        INCOMING = "incoming", pgettext_lazy("mobility direction", "Incoming")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("mobility", "Planned")
        ONGOING = "ongoing", pgettext_lazy("mobility", "Ongoing")
        COMPLETED = "completed", pgettext_lazy("mobility", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("mobility", "Cancelled")

    participant_name = models.CharField(_("participant"), max_length=255)
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mobilities",
        verbose_name=_("portal account"),
    )
    email = models.EmailField(_("email"), blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="mobilities", verbose_name=_("partner university")
    )
    mobility_type = models.CharField(_("mobility type"), max_length=30, choices=ExchangeCall.MobilityType.choices)
    home_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"partner__isnull": True},
        related_name="mobilities",
        verbose_name=_("faculty"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mobilities",
        verbose_name=_("agreement"),
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mobility",
        verbose_name=_("application"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    credits = models.PositiveSmallIntegerField(_("credits earned"), null=True, blank=True)
    final_report = models.TextField(_("final report"), blank=True)
    learning_agreement_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("learning agreement approved by"),
    )
    learning_agreement_approved_at = models.DateTimeField(
        _("learning agreement approved"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MobilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="mobility_dates_in_order",
                violation_error_message=_("The mobility cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["partner", "starts_on"])]

    # What a mobility's name reads besides it, loaded with it wherever a form names it (the admin's choices).
    named_with = ("partner",)

    def __str__(self):
        return f"{self.participant_name} — {self.partner}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The mobility cannot end before it starts.")})


class LearningAgreementCourse(models.Model):
    """One line of a learning agreement: a course at the host recognised as a course at home."""

    mobility = models.ForeignKey(Mobility, verbose_name=_("mobility"), on_delete=models.CASCADE, related_name="courses")
    host_course = models.CharField(_("course at the host"), max_length=255)
    host_credits = models.DecimalField(_("host credits"), max_digits=4, decimal_places=1)
    home_course = models.CharField(_("recognised as (home course)"), max_length=255)
    home_credits = models.DecimalField(_("home credits"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("course of the learning agreement")
        verbose_name_plural = _("learning agreement")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(host_credits__gte=0, home_credits__gte=0),
                name="course_credits_not_negative",
                violation_error_message=_("Credits cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.host_course} → {self.home_course}"
