from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnerships.models import Agreement, CooperationCondition, Partner, Unit, unique_slug


class ExchangeCallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self, now=None):
        """Published calls whose application window is open now."""
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)


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
    partners = models.ManyToManyField(Partner, related_name="calls", verbose_name=_("host institutions"))
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
    priority_categories = models.TextField(_("priority categories"), blank=True)
    required_documents = models.TextField(
        _("required documents"), blank=True, help_text=_("One document per line, e.g. transcript, motivation letter.")
    )
    has_second_stage = models.BooleanField(_("second selection stage"), default=False)
    second_stage = models.TextField(_("about the second stage"), blank=True, help_text=_("e.g. an interview."))
    is_published = models.BooleanField(pgettext_lazy("exchange call", "published"), default=False)

    objects = ExchangeCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange call")
        verbose_name_plural = _("exchange calls")
        ordering = ["closes_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_window_in_order"),
            models.CheckConstraint(
                condition=Q(mobility_ends_on__gte=models.F("mobility_starts_on")), name="call_mobility_in_order"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="call_places_positive"),
            models.CheckConstraint(
                condition=Q(min_gpa__isnull=True) | Q(min_gpa__gte=0, min_gpa__lte=4), name="call_gpa_on_four_scale"
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

    @property
    def document_list(self):
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    def level_labels(self):
        return [self.Level(level).label for level in self.levels if level in self.Level.values]


class SelectionCriterion(models.Model):
    call = models.ForeignKey(ExchangeCall, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=255)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        ordering = ["-weight", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_percent"),
        ]

    def __str__(self):
        return self.name
