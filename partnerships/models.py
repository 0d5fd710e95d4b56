import re
from collections import Counter

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_countries.fields import CountryField

# Old migrations name the storage and validators by their former place here (partnerships.models.PrivateStorage).
from config.files import PrivateStorage, validate_logo_size, validate_pdf
from config.i18n import localized_expression, localized_fields
from config.models import StatusTransition

# How close a misspelt word must be to a word of a name (pg_trgm word similarity) to count as a match.
TRIGRAM_CLOSENESS = 0.5
ACADEMIC_YEAR = RegexValidator(r"^(\d{4})/(\d{4})$", _("Write the academic year as 2025/2026."))


def unique_slug(queryset, text, fallback):
    """A readable address from the text (xinjiang-university), numbered when already taken."""
    base = slugify(text or "")[:100] or fallback
    slug, number = base, 2
    while queryset.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def validate_academic_year(value):
    ACADEMIC_YEAR(value)
    first, second = (int(year) for year in value.split("/"))
    if second != first + 1:
        raise ValidationError(_("An academic year spans two consecutive years, such as 2025/2026."))


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

    # The directory: the same reads for the public page and any other client (a future API).
    SORTS = {"name": "sort_name", "country": "country", "-agreements": "-active_agreements"}

    def matching(self, filters, *, skip=None):
        """Partners that match every filter of the directory (cleaned form data) except `skip`, so that each
        facet counts within the others: q (search), country, kind, status, agreement_kind, field."""
        partners = self
        if filters.get("q"):
            partners = partners.search(filters["q"])
        if filters.get("country") and skip != "country":
            partners = partners.filter(country=filters["country"])
        if filters.get("kind") and skip != "kind":
            partners = partners.filter(kind=filters["kind"])
        if filters.get("status") and skip != "status":
            partners = partners.filter(status=filters["status"])
        if filters.get("agreement_kind") and skip != "agreement_kind":
            partners = partners.filter(
                pk__in=Agreement.objects.active().filter(kind=filters["agreement_kind"]).values("partners")
            )
        if filters.get("field") and skip != "field":
            field = filters["field"]
            partners = partners.filter(
                Q(pk__in=JointProgram.objects.filter(field__code=field).values("partners"))
                | Q(pk__in=Agreement.objects.filter(conditions__fields_of_education__code=field).values("partners"))
            )
        return partners

    def facets(self, filters):
        """The counts of each filter's choices, each within the other filters: one query each (two for fields of
        education), whatever the data size. Returns ({filter: [(value, label, count)]}, Counter by country)."""
        counted = {}
        by_country = Counter(
            dict(self.matching(filters, skip="country").order_by().values_list("country").annotate(n=Count("id")))
        )
        counted["country"] = sorted(
            ((code, countries.name(code), n) for code, n in by_country.items()), key=lambda row: str(row[1])
        )
        for name, choices in (("kind", Partner.Kind), ("status", Partner.Status)):
            counts = dict(self.matching(filters, skip=name).order_by().values_list(name).annotate(n=Count("id")))
            counted[name] = [(value, label, counts[value]) for value, label in choices.choices if counts.get(value)]
        in_scope = self.matching(filters, skip="agreement_kind").values("pk")
        counts = dict(
            Agreement.objects.active()
            .filter(partners__in=in_scope)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("partners", distinct=True))
        )
        counted["agreement_kind"] = [(v, label, counts[v]) for v, label in Agreement.Kind.choices if counts.get(v)]
        in_scope = self.matching(filters, skip="field").values("pk")
        pairs = set(
            JointProgram.objects.filter(partners__in=in_scope, field__isnull=False).values_list(
                "partners", "field__code"
            )
        )
        pairs |= set(
            Agreement.objects.filter(partners__in=in_scope, conditions__fields_of_education__isnull=False).values_list(
                "partners", "conditions__fields_of_education__code"
            )
        )
        by_field = Counter(code for _partner, code in pairs)
        names = dict(IscedField.objects.filter(code__in=by_field).values_list("code", "name"))
        counted["field"] = [(code, f"{code} {names.get(code, '')}", by_field[code]) for code in sorted(by_field)]
        return counted, by_country

    def for_directory(self, filters):
        """The directory's list: matching partners with their count of active agreements, sorted as asked
        (filters["sort"]: name in the page's language, country or most active agreements)."""
        partners = self.matching(filters).annotate(
            active_agreements=Count("agreements", filter=Q(agreements__status=Agreement.Status.ACTIVE), distinct=True),
            sort_name=localized_expression(),
        )
        return partners.order_by(self.SORTS[filters.get("sort") or "name"], "sort_name", "pk")


class Partner(models.Model):
    """A partner institution, current or prospective."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Institute")
        COLLEGE = "college", _("College")
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
        names = [getattr(self, column, "") for column in localized_fields("name", "short_name")]
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


class Unit(models.Model):
    """An organisational unit (faculty, department, institute, office) of a partner or of the home university."""

    class Kind(models.TextChoices):
        FACULTY = "faculty", _("Faculty")
        DEPARTMENT = "department", _("Department")
        INSTITUTE = "institute", _("Institute")
        COLLEGE = "college", _("College")
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
        DRAFT = "draft", _("Draft")
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
