"""Joint programs and research projects with partners."""

import re
from functools import cache

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info, override
from django.utils.translation import gettext_lazy as _

from config.i18n import language_codes
from config.text import join_list, lower_first

from .agreements import Agreement
from .partners import Contact, IscedField, Partner, unique_slug

# Between the languages of a program as the office writes them: "Russian, Chinese", "ru; zh", "俄语、中文".
LANGUAGE_SEPARATOR = re.compile(r"[,;/、，；]+")


def _portal_names():
    # Imported here: config.translations reads config's models, loaded after this module.
    from config.translations import LANGUAGE_NAMES

    return LANGUAGE_NAMES


@cache
def language_codes_by_name() -> dict[str, str]:
    """{a language's code or name, case-folded: its code}, for every language Django knows: its code (ru), its
    English and own names (Russian, Русский), and its names in each of the portal's languages (орыс тілі,
    俄语); "Chinese" and "zh" are the portal's Chinese. Built once a process."""
    found = {}
    for code, info in LANG_INFO.items():
        if "name" in info:  # not a fallback entry (zh-cn)
            for name in (code, info["name"], info["name_local"]):
                found.setdefault(name.casefold(), code)
    for language in language_codes():
        with override(language):
            for code, info in LANG_INFO.items():
                if "name" in info:
                    found.setdefault(str(get_language_info(code)["name_translated"]).casefold(), code)
            for code, name in _portal_names().items():
                found[str(name).casefold()] = code
    found["zh"] = "zh-hans"
    return found


def language_names(text: str) -> str:
    """The languages written in a free text ("Russian, Chinese"), named in the reader's language and joined as it
    joins a list ("Русский, китайский", "俄语、中文"); a word that names no language is kept as written.

    The portal's own languages are named as its catalogue names them (config.translations); the others as Django
    does, in small letters too where the catalogue writes ours so (Kazakh, Russian)."""
    portal, known = _portal_names(), language_codes_by_name()
    small = str(portal["en"])[:1].islower()
    names = []
    for written in LANGUAGE_SEPARATOR.split(text):
        code = known.get(written.strip().casefold())
        if code in portal:
            names.append(str(portal[code]))
        elif code:
            name = str(get_language_info(code)["name_translated"])
            names.append(lower_first(name) if small else name)
        elif written.strip():
            names.append(written.strip())
    return capfirst(join_list(names))


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

    def language_names(self):
        """The languages of instruction in the reader's language: "Russian, Chinese" reads «俄语、中文»."""
        return language_names(self.languages)


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
