import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

LOGO_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# How close a misspelt word must be to a word of a name (pg_trgm word similarity) to count as a match.
TRIGRAM_CLOSENESS = 0.5
ACADEMIC_YEAR = RegexValidator(r"^(\d{4})/(\d{4})$", _("Write the academic year as 2025/2026."))


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, at a URL that nothing serves.

    The only way to them is a permission-checked view (AgreementDocument.get_absolute_url).
    """

    def __init__(self):
        super().__init__(base_url="/private/")

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def unique_slug(queryset, text, fallback):
    """A readable address from the text (xinjiang-university), numbered when already taken."""
    base = slugify(text or "")[:100] or fallback
    slug, number = base, 2
    while queryset.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def validate_logo_size(file):
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
            code="file_too_large",
        )


def validate_pdf(file):
    """A document must really be a PDF (by content, not by name) and within the size limit."""
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(DOCUMENT_MAX_BYTES)},
            code="file_too_large",
        )
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    file.seek(0)
    if file.read(5) != b"%PDF-":
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
    file.seek(0)
    try:
        PdfReader(file).pages[0]  # reading the first page proves the file is a whole PDF
    except (PdfReadError, IndexError, ValueError, KeyError) as error:
        raise ValidationError(_("The PDF document is damaged or empty."), code="broken_pdf") from error
    finally:
        file.seek(0)


def validate_academic_year(value):
    ACADEMIC_YEAR(value)
    first, second = (int(year) for year in value.split("/"))
    if second != first + 1:
        raise ValidationError(_("An academic year spans two consecutive years, such as 2025/2026."))


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
            models.UniqueConstraint(fields=["singleton"], name="home_institution_single_row"),
            models.CheckConstraint(condition=models.Q(singleton=True), name="home_institution_singleton_true"),
        ]

    def __str__(self):
        return self.name

    @property
    def faculty_domains(self):
        return [domain.strip().lower() for domain in self.staff_email_domains.split(",") if domain.strip()]


class PartnerQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def search(self, text):
        """Names in every language, other names and domains.

        Every word appears somewhere (a substring, so Chinese needs no word breaks); on PostgreSQL also a
        full-text match or a close trigram match, so that small misspellings still find the partner.
        """
        text = Partner.normalise(text)
        every_word = Q()
        for word in text.split():
            every_word &= Q(search_text__contains=word)
        if connection.vendor != "postgresql":
            return self.filter(every_word)
        from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity

        full_text = SearchQuery(text, search_type="websearch", config="simple")
        return self.annotate(
            search_vector=SearchVector("search_text", config="simple"),
            closeness=TrigramWordSimilarity(text, "search_text"),
        ).filter(every_word | Q(search_vector=full_text) | Q(closeness__gte=TRIGRAM_CLOSENESS))

    def similar_to(self, partner):
        """Likely duplicates: the same country and a similar name in any language, or a shared domain.

        Domains are shared when one is the other or a subdomain of it (mail.xju.edu.cn and xju.edu.cn).
        """
        names = {Partner.normalise(name) for name in partner.all_names() if name}
        matches = Q(pk__in=[])
        if names:
            similar_name = Q()
            for name in names:
                similar_name |= Q(search_text__contains=name)
            matches |= Q(country=partner.country) & similar_name
        domains = list(partner.domains.values_list("domain", flat=True)) if partner.pk else []
        for domain in domains:
            parents = [".".join(domain.split(".")[i:]) for i in range(1, len(domain.split(".")) - 1)]
            matches |= Q(domains__domain__in=[domain, *parents]) | Q(domains__domain__endswith=f".{domain}")
        return self.filter(matches).exclude(pk=partner.pk).distinct()


class Partner(models.Model):
    """A partner institution, current or prospective."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", pgettext_lazy("institution kind", "Institute")
        COLLEGE = "college", pgettext_lazy("institution kind", "College")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROSPECTIVE = "prospective", _("Prospective")
        ACTIVE = "active", pgettext_lazy("partner status", "Active")
        DORMANT = "dormant", _("Dormant")
        ENDED = "ended", pgettext_lazy("partner status", "Ended")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Latin transliterations, abbreviations and former names, one per line; search finds them too."),
    )
    description = models.TextField(_("description"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region or province"), max_length=100, blank=True)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIVERSITY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROSPECTIVE)
    website = models.URLField(_("website"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("For lists and letters sent to this partner; English when empty."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="partners/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"]), validate_logo_size],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )
    is_public = models.BooleanField(
        _("shown on public pages"), default=False, help_text=_("Hidden partners are seen by signed-in staff only.")
    )
    slug = models.SlugField(_("address on the site"), max_length=120, unique=True)
    ror_id = models.CharField(
        _("ROR ID"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^0[a-z0-9]{6}[0-9]{2}$", _("A ROR ID looks like 05xxx1234."))],
        help_text=_("The Research Organization Registry identifier, e.g. 059gw8r13."),
    )
    erasmus_code = models.CharField(
        _("Erasmus code"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z]{1,3} {1,2}[A-Z-]{2,}[0-9]{2}$", _("An Erasmus code looks like «E  MADRID05»."))
        ],
    )
    hei_id = models.CharField(
        _("EWP HEI ID"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", _("A HEI ID is the institution's domain, e.g. xju.edu.cn."))
        ],
        help_text=_("The SCHAC code used by Erasmus Without Paper."),
    )
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("formerly known as"),
        help_text=_("Earlier institutions this one continues, e.g. after a merger or a renaming."),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ror_id"], condition=~Q(ror_id=""), name="partner_ror_id_unique"),
            models.UniqueConstraint(
                fields=["erasmus_code"], condition=~Q(erasmus_code=""), name="partner_erasmus_code_unique"
            ),
            models.UniqueConstraint(fields=["hei_id"], condition=~Q(hei_id=""), name="partner_hei_id_unique"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Domains live in their own rows: services.refresh_search_text adds them once they are saved.
        domains = [d.domain for d in self.domains.all()] if self.pk else []
        self.search_text = self.build_search_text(domains)
        if not self.slug:
            self.slug = unique_slug(Partner.objects.exclude(pk=self.pk), self.name_en or self.name, "partner")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partnerships:partner_detail", kwargs={"slug": self.slug})

    @staticmethod
    def normalise(text):
        return re.sub(r"\s+", " ", (text or "").casefold()).strip()

    def all_names(self):
        languages = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
        names = [getattr(self, f"{field}_{lang}", "") for field in ("name", "short_name") for lang in languages]
        return [self.name, *names, *self.other_names.splitlines()]

    def build_search_text(self, domains=()):
        parts = [*self.all_names(), *domains]
        return self.normalise(" | ".join(part for part in parts if part))


class PartnerDomain(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        _("email domain"),
        max_length=255,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", _("Write a domain such as xju.edu.cn."))],
    )

    class Meta:
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class Campus(models.Model):
    """A campus of a partner, or of the home university when no partner is set."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="campuses", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        ordering = ["partner__name", "name"]

    def __str__(self):
        return self.name


class UnitQuerySet(models.QuerySet):
    def home(self):
        return self.filter(partner__isnull=True)


class Unit(models.Model):
    """An organisational unit (faculty, department, institute, office) of a partner or of the home university."""

    class Kind(models.TextChoices):
        FACULTY = "faculty", _("Faculty")
        DEPARTMENT = "department", _("Department")
        INSTITUTE = "institute", pgettext_lazy("unit kind", "Institute")
        COLLEGE = "college", pgettext_lazy("unit kind", "College")
        CENTRE = "centre", _("Centre")
        OFFICE = "office", _("Office")
        OTHER = "other", _("Other")

    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("partner"),
        help_text=_("Leave empty for a unit of our own university."),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    campus = models.ForeignKey(Campus, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("campus"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FACULTY)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_its_own_parent"),
        ]

    def __str__(self):
        owner = self.partner.short_name or self.partner.name if self.partner_id else _("our university")
        return f"{self.name} ({owner})"

    def clean(self):
        if self.parent_id:
            if self.parent.partner_id != self.partner_id:
                raise ValidationError({"parent": _("A unit can only be part of a unit of the same institution.")})
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A unit cannot be part of itself.")})
                ancestor = ancestor.parent
        if self.campus_id and self.campus.partner_id != self.partner_id:
            raise ValidationError({"campus": _("Choose a campus of the same institution.")})


class Contact(models.Model):
    """A person at a partner; contact details are shown to signed-in staff and faculty only."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner"))
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("unit"))
    name = models.CharField(
        _("name as written"), max_length=200, help_text=_("In the person's own script and order, e.g. 金刚.")
    )
    latin_name = models.CharField(
        _("name in Latin letters"), max_length=200, blank=True, help_text=_("e.g. Jin Gang (family name first).")
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=Q(is_primary=True), name="contact_one_primary_per_partner"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.latin_name})" if self.latin_name else self.name


class IscedField(models.Model):
    """An ISCED-F 2013 detailed field of education and training."""

    code = models.CharField(_("code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{4}$")])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("field of education (ISCED-F)")
        verbose_name_plural = _("fields of education (ISCED-F)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class AgreementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Agreement.Status.ACTIVE)

    def expiring_by(self, day):
        return self.active().filter(valid_until__lte=day)

    def coordinated_by(self, user):
        return self.filter(coordinator=user)


class Agreement(models.Model):
    """A cooperation agreement with one or more partners, from draft to expiry."""

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
    notes = models.TextField(_("notes"), blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-valid_from", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference_number"], condition=~Q(reference_number=""), name="agreement_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "expired"]) | Q(signed_on__isnull=False, valid_from__isnull=False),
                name="agreement_in_force_is_signed",
            ),
            models.CheckConstraint(
                condition=Q(auto_renewal=True) | Q(renewal_notice_days=0), name="agreement_notice_only_with_renewal"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The agreement cannot end before it starts.")})
        if self.renewal_notice_days and not self.auto_renewal:
            raise ValidationError({"renewal_notice_days": _("A notice period applies only to automatic renewal.")})

    @property
    def is_open_ended(self):
        return self.valid_until is None

    @cached_property
    def days_left(self):
        if self.valid_until is None:
            return None
        return (self.valid_until - timezone.localdate()).days


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


class AgreementTransition(StatusTransition):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
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

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SIGNED)
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    file = models.FileField(
        _("file"),
        storage=PrivateStorage(),
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

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="conditions")
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
        ordering = ["mobility_type", "academic_year_from"]
        constraints = [
            models.CheckConstraint(condition=Q(places_per_year__gte=1), name="condition_places_positive"),
            models.CheckConstraint(
                condition=Q(academic_year_to__gte=models.F("academic_year_from")), name="condition_years_in_order"
            ),
            models.CheckConstraint(
                condition=Q(sending_partner__isnull=False) | Q(receiving_partner__isnull=False),
                name="condition_involves_a_partner",
            ),
            models.CheckConstraint(
                condition=Q(total_months_per_year__isnull=True) | Q(total_months_per_year__gt=0),
                name="condition_months_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_mobility_type_display()}, {self.academic_year_from}–{self.academic_year_to}"

    def clean(self):
        if self.academic_year_from and self.academic_year_to and self.academic_year_to < self.academic_year_from:
            raise ValidationError({"academic_year_to": _("The last academic year comes before the first.")})
        if self.sending_partner_id is None and self.receiving_partner_id is None:
            raise ValidationError(_("One side of a condition must be a partner institution."))
        if self.sending_partner_id and self.sending_partner_id == self.receiving_partner_id:
            raise ValidationError(_("The sending and receiving institutions must differ."))
        levels = self.eqf_levels or []
        if not isinstance(levels, list) or any(level not in (5, 6, 7, 8) for level in levels):
            raise ValidationError({"eqf_levels": _("EQF levels are whole numbers from 5 to 8, e.g. [6, 7].")})


class JointProgramQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def coordinated_by(self, user):
        return self.filter(home_coordinator=user)


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
                condition=Q(duration_months__isnull=True) | Q(duration_months__gt=0), name="program_duration_positive"
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
            ),
            models.CheckConstraint(
                condition=Q(funding_amount__isnull=True) | Q(funding_amount__gte=0), name="project_funding_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.acronym}: {self.title}" if self.acronym else self.title


class ResearchOutput(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("link"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication or output")
        verbose_name_plural = _("publications and outputs")
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title
