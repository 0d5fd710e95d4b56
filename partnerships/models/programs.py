"""Joint programs and research projects with partners."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .agreements import Agreement
from .partners import Contact, IscedField, Partner, unique_slug


class JointProgramQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class JointProgram(models.Model):
    class Kind(models.TextChoices):
        JOINT_DEGREE = "joint_degree", _("Joint degree")
        DOUBLE_DEGREE = "double_degree", _("Double degree")
        LANGUAGE_TRAINING = "language_training", _("Language training")
        SCHOOL = "school", _("Summer or winter school")
        JOINT_COURSE = "joint_course", _("Joint course")

    class Level(models.TextChoices):
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTORAL = "doctoral", _("Doctoral")
        NON_DEGREE = "non_degree", _("Non-degree")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_DEVELOPMENT = "in_development", _("In development")
        RUNNING = "running", _("Accredited and running")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("address on the site"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    field = models.ForeignKey(
        IscedField, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("field of education")
    )
    partners = models.ManyToManyField(Partner, related_name="programs", verbose_name=_("partners"))
    languages = models.CharField(
        _("languages of instruction"), max_length=100, blank=True, help_text=_("e.g. Kazakh, Russian, Chinese")
    )
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    first_intake = models.DateField(_("first intake"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    home_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_programs",
        verbose_name=_("coordinator (ours)"),
    )
    partner_coordinator = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("coordinator (partner)")
    )
    description = models.TextField(_("description"), blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name=_("agreement"),
    )
    is_public = models.BooleanField(_("shown on public pages"), default=True)

    objects = JointProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint program")
        verbose_name_plural = _("joint programs")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gt=0),
                name="program_duration_positive",
                violation_error_message=_("A program lasts at least one month."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(JointProgram.objects.exclude(pk=self.pk), self.title_en or self.title, "program")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partnerships:program_detail", kwargs={"slug": self.slug})


class ResearchProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    partners = models.ManyToManyField(Partner, related_name="projects", verbose_name=_("partners"))
    investigators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="research_projects",
        verbose_name=_("principal investigators (ours)"),
    )
    partner_investigators = models.ManyToManyField(
        Contact, blank=True, related_name="research_projects", verbose_name=_("principal investigators (partner)")
    )
    funding_source = models.CharField(_("funding source"), max_length=255, blank=True)
    funding_amount = models.DecimalField(
        _("funding amount"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("e.g. KZT, CNY, EUR"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(_("summary"), blank=True)
    is_public = models.BooleanField(_("shown on public pages"), default=True)

    class Meta:
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="project_dates_in_order",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(funding_amount__isnull=True) | Q(funding_amount__gte=0),
                name="project_funding_not_negative",
                violation_error_message=_("The funding amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.acronym}: {self.title}" if self.acronym else self.title


class ResearchOutput(models.Model):
    project = models.ForeignKey(
        ResearchProject, verbose_name=_("research project"), on_delete=models.CASCADE, related_name="outputs"
    )
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("link"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication or output")
        verbose_name_plural = _("publications and outputs")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title
