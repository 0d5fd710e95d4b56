"""Partner institutions and what they are made of: domains, campuses, units, contacts; fields of education."""

import re
import unicodedata
from collections import Counter
from functools import cache
from operator import itemgetter
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import connection, models
from django.db.models import Count, ExpressionWrapper, F, Func, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from config import pagecache
from config.files import validate_logo_size
from config.i18n import localized_expression, localized_fields
from config.text import collation_key

# Han characters, kana and hangul: written without spaces, so the search text also holds each pair of them.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
# A word this short is too short for trigrams: it is looked up as the start of a word of the full-text index.
SHORT_WORD = 3
# A word written as a domain, an email address or a website (xju.edu.cn, li@xju.edu.cn, https://www.xju.edu.cn/):
# its domain is looked up by whole labels, never as a misspelling of its neighbours (xjtu.edu.cn).
DOMAIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]+@)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$")


def normalise(text):
    """Text as the search compares it: case-folded, spaces collapsed, accents taken off Latin letters
    (é → e, ß → ss); Cyrillic (й, ё, ә) and Chinese kept as written, full-width forms made ordinary."""
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    kept = []
    for char in text:
        if unicodedata.combining(char) and kept and kept[-1] < "\u0250":
            continue  # an accent on a Latin letter
        kept.append(char)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", "".join(kept))).strip()


def cjk_pairs(text):
    """Each two neighbouring Han characters (新疆大学 → 新疆 疆大 大学), so that a full-text index finds a word
    inside a name; a lone character stays alone."""
    pairs = []
    for run in CJK.findall(text):
        pairs += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return pairs


def search_document(names=(), places=(), domains=()):
    """The search text of a partner: every name (in every language, Latin forms, former names), its cities
    and region, its domains, normalised, then the pairs of Chinese characters for the full-text index."""
    # Each part once: a city most languages write alike (Almaty) is not repeated.
    parts = dict.fromkeys(normalise(part) for part in (*names, *places, *domains) if part)
    text = " | ".join(part for part in parts if part)
    pairs = cjk_pairs(text)
    return f"{text} || {' '.join(pairs)}" if pairs else text


class SimpleVector(Func):
    """The full-text vector of the search text, written exactly as its index (migration 0012) is."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


# The partners with a word of the query (ILIKE would cost more: the search text is case-folded) or, when it is
# misspelt, with a real word close to it: the close words are found among every word of the directory (a small
# table with a trigram index, kept by the database: migration 0015), then their partners by the full-text index.
# Two index look-ups, instead of comparing the word with every search text. A word that holds the query's word is
# left out of the close ones: the substring search already finds its partners.
WORD_MATCHES = """
    SELECT id FROM partnerships_partner WHERE search_text LIKE %s
    UNION
    SELECT id FROM partnerships_partner WHERE to_tsvector('simple'::regconfig, search_text) @@ (
        SELECT to_tsquery('simple'::regconfig, string_agg(quote_literal(word), ' | '))
        FROM partnerships_searchword WHERE word %%> %s AND strpos(word, %s) = 0
    )
"""


# The partners with a domain that holds these whole labels: xju.edu.cn finds xju.edu.cn and mail.xju.edu.cn, xju.edu
# finds xju.edu.cn, neither finds hxju.edu.cn: a regular expression the trigram index answers as it does LIKE.
DOMAIN_MATCHES = "SELECT id FROM partnerships_partner WHERE search_text ~ %s"


def domain_pattern(domain):
    """The domain's labels whole in the search text: after and before a dot, a space, or an end of it."""
    return r"(^|[^a-z0-9-])" + domain.replace(".", r"\.") + r"($|[^a-z0-9-])"


def like_pattern(word):
    """`%word%`, its own % and _ written as themselves (LIKE's escape character is the backslash)."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def tsquery_term(word, *, prefix=False):
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def unique_slug(queryset, text, fallback):
    """A readable address from the text (xinjiang-university), numbered when already taken."""
    base = slugify(text or "")[:100] or fallback
    slug, number = base, 2
    while queryset.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@cache
def country_names(language):
    """({code: name}, {code: place in the alphabet}) of every country in this language: looked up once a process
    (a name costs a translation each time), for the directory's two hundred choices."""
    with override(language):
        names = {code: str(name) for code, name in countries}
    ordered = sorted(names, key=lambda code: collation_key(names[code]))
    return names, {code: place for place, code in enumerate(ordered)}


# The agreement filter's value for partners with an active agreement of any kind: what the network in numbers counts.
ANY_AGREEMENT = "any"


class Directory(NamedTuple):
    counted: dict  # {filter: [(value, label, count)]}
    by_country: Counter
    ids: list  # the matching partners' ids, in the order asked
    active: dict  # {partner id: number of active agreements}


def directory_figures():
    """Each partner's kinds of active agreement, number of active agreements and fields of education (of its
    programs and of its agreements' conditions): read in two queries, then kept in the cache while the
    partnerships' content does not change (config.pagecache), in this process as long as it is current."""
    return pagecache.current("partnerships", "directory-figures", _read_directory_figures, local=True)


def _read_directory_figures():
    # Imported here: agreements.py and programs.py import this module for Partner.
    from .agreements import Agreement
    from .programs import JointProgram

    kinds, active, fields = {}, Counter(), {}
    per_kind = (
        Agreement.objects.active()
        .filter(partners__isnull=False)
        .values("partners", "kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("partners", "kind", "n")
    )
    for pk, kind, n in per_kind:
        kinds[pk] = (*kinds.get(pk, ()), kind)
        active[pk] += n  # an agreement is of one kind: the kinds' numbers add up
    # Named alike, in the same order, so that one UNION reads both.
    programs = JointProgram.objects.filter(field__isnull=False, partners__isnull=False).annotate(
        partner_pk=F("partners"), field_code=F("field__code")
    )
    conditions = Agreement.objects.filter(
        partners__isnull=False, conditions__fields_of_education__isnull=False
    ).annotate(partner_pk=F("partners"), field_code=F("conditions__fields_of_education__code"))
    pairs = [query.order_by().values_list("partner_pk", "field_code") for query in (programs, conditions)]
    for pk, code in pairs[0].union(pairs[1]):
        fields[pk] = (*fields.get(pk, ()), code)
    return {"kinds": kinds, "active": dict(active), "fields": fields}


def directory_rows(language, matches):
    """({partner id: (place in the directory's order by name in `language`, country, kind, status)} of every
    partner, the ids of `matches` or None): read in one query ordered as the directory is (by the database's
    collation), then kept like `directory_figures`, so that a search reads only the matching ids and sorts them
    by their places. When read, the same query tells which partners match (the ids, in order)."""
    found = []

    def load():
        rows = _read_directory_rows(matched=Q(pk__in=matches.values("pk")))
        found.append([pk for pk, (_place, *_row, matched) in rows.items() if matched])
        return {pk: row[:-1] for pk, row in rows.items()}

    known = pagecache.current("partnerships", f"directory-rows:{language}", load, local=True)
    return known, (found[0] if found else None)


class DirectoryIndex(NamedTuple):
    place: dict  # {partner id: place in the order by name}
    group: dict  # {partner id: (country, kind, status, kinds of active agreement, fields of education)}


# The last index built per language, with the two values it was built from (held, so never mistaken for others).
_indexes = {}


def directory_index(language, known, figures):
    """Each partner's place and facet group, from `directory_rows` and `directory_figures`: built once while both
    are the same objects (kept in the process), so that a search sorts and counts its matches by dictionary
    look-ups done in C, with no Python per matching partner."""
    held = _indexes.get(language)
    if held and held[0] is known and held[1] is figures:
        return held[2]
    fields = figures["fields"]
    # A partner with an active agreement has ANY_AGREEMENT among its kinds: the filter counts and picks it alike.
    kinds = {pk: (ANY_AGREEMENT, *its_kinds) for pk, its_kinds in figures["kinds"].items()}
    index = DirectoryIndex(
        place={pk: row[0] for pk, row in known.items()},
        group={
            pk: (country, kind, status, kinds.get(pk, ()), fields.get(pk, ()))
            for pk, (_place, country, kind, status) in known.items()
        },
    )
    _indexes[language] = (known, figures, index)
    return index


def _read_directory_rows(matched=None):
    rows = (
        Partner.objects.annotate(
            sort_name=localized_expression(),
            matched=ExpressionWrapper(matched or Q(pk__in=[]), output_field=models.BooleanField()),
        )
        .order_by("sort_name", "pk")
        .values_list("pk", "country", "kind", "status", "matched")
    )
    return {pk: (place, *row) for place, (pk, *row) in enumerate(rows)}


def directory_url(**filters):
    """The public directory's address with these filters: directory_url(country="CN", agreement_kind=ANY_AGREEMENT)
    lists what Partner.objects.public().with_active_agreement().filter(country="CN") counts."""
    query = urlencode({name: value for name, value in filters.items() if value})
    return reverse("partnerships:partner_list") + (f"?{query}" if query else "")


class PartnerQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def with_active_agreement(self):
        """Partners with at least one agreement in force: the directory's agreement filter ANY_AGREEMENT."""
        # Imported here: agreements.py imports this module for Partner.
        from .agreements import Agreement

        return self.filter(pk__in=Agreement.objects.active().values("partners"))

    def counts_by_country(self):
        """{country code: number of these partners}, in one query."""
        return dict(self.order_by().values_list("country").annotate(number=Count("pk")))

    def search(self, text):
        """Names in every language, Latin forms, former names, cities (in every language), regions and domains.

        Every word of the query must match. On PostgreSQL each is a question an index answers: a substring
        (LIKE, the trigram index) or a close word (pg_trgm word similarity, the same index: a misspelling
        still finds the partner); Chinese, written without spaces, and words too short for trigrams go to
        the full-text index (pairs of characters, word starts). A word written as a domain (or an email
        address, a website) finds the domains with those whole labels only (a regular expression, the same index).
        SQLite simply looks for each substring.
        """
        words = normalise(text).split()
        if connection.vendor != "postgresql":
            every_word = Q()
            for word in words:
                domain = DOMAIN.match(word)
                every_word &= Q(search_text__contains=domain[1] if domain else word)
            return self.filter(every_word)
        every_word = Q()
        full_text = []
        for word in words:
            if domain := DOMAIN.match(word):
                # A constant statement; the pattern is a parameter.
                matches = RawSQL(DOMAIN_MATCHES, [domain_pattern(domain[1])])  # noqa: S611  # nosec B611
                every_word &= Q(pk__in=matches)
            elif CJK.search(word):
                pairs = cjk_pairs(word)
                full_text += [tsquery_term(pair, prefix=len(pair) == 1) for pair in pairs]
                rest = CJK.sub(" ", word).split()
                for part in rest:
                    every_word &= Q(search_text__contains=part)
            elif len(word) < SHORT_WORD:
                full_text.append(tsquery_term(word, prefix=True))
            else:
                # A constant statement; the word is a parameter.
                matches = RawSQL(WORD_MATCHES, [like_pattern(word), word, word])  # noqa: S611  # nosec B611
                every_word &= Q(pk__in=matches)
        partners = self
        if full_text:
            partners = partners.alias(search_vector=SimpleVector("search_text")).filter(
                search_vector=SearchQuery(" & ".join(full_text), search_type="raw", config="simple")
            )
        return partners.filter(every_word)

    def similar_to(self, partner):
        """Likely duplicates: the same country and a similar name in any language, or a shared domain.

        Domains are shared when one is the other or a subdomain of it (mail.xju.edu.cn and xju.edu.cn).
        """
        names = {normalise(name) for name in partner.all_names() if name}
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
        facet counts within the others: q (search), country, kind, status, agreement_kind (a kind of active
        agreement, or ANY_AGREEMENT), field."""
        # Imported here: agreements.py and programs.py import this module for Partner.
        from .agreements import Agreement
        from .programs import JointProgram

        partners = self
        if filters.get("q"):
            partners = partners.search(filters["q"])
        if filters.get("country") and skip != "country":
            partners = partners.filter(country=filters["country"])
        if filters.get("kind") and skip != "kind":
            partners = partners.filter(kind=filters["kind"])
        if filters.get("status") and skip != "status":
            partners = partners.filter(status=filters["status"])
        if filters.get("agreement_kind") == ANY_AGREEMENT and skip != "agreement_kind":
            partners = partners.with_active_agreement()
        elif filters.get("agreement_kind") and skip != "agreement_kind":
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
        """The counts of each filter's choices, each within the other filters (see `directory`).
        Returns ({filter: [(value, label, count)]}, Counter by country)."""
        found = self.directory(filters)
        return found.counted, found.by_country

    def directory(self, filters):
        """The directory at once, for the page and its facets: one query runs the search (q) and returns the
        matching partners' country, kind and status in the order asked; each partner's agreement and field
        figures come from `directory_figures` (kept while the partnerships' content does not change). Every
        other filter and every facet count is then worked out from these, whatever the number of partners:
        no query per facet and none that ranks every match again."""
        from .agreements import Agreement

        sort = filters.get("sort") or "name"
        matches = self.matching({"q": filters.get("q")}).order_by().values_list("pk", flat=True)
        known, matched = directory_rows(get_language(), matches)
        if matched is None:
            with connection.cursor() as cursor:  # thousands of ids: read as the database sends them
                cursor.execute(*matches.query.sql_with_params())
                matched = list(map(itemgetter(0), cursor.fetchall()))
        figures = directory_figures()
        index = directory_index(get_language(), known, figures)
        if not index.place.keys() >= set(matched):
            # Partners written without a save (bulk_create): read them now.
            known = {pk: row[:-1] for pk, row in _read_directory_rows().items()}
            index = directory_index(get_language(), known, figures)
        place, group = index.place, index.group
        # In the order of the directory by name (the database's), by country first when asked.
        matched.sort(key=(lambda pk: (group[pk][0], place[pk])) if sort == "country" else place.__getitem__)
        active = figures["active"]
        chosen = {name: filters.get(name) for name in ("country", "kind", "status", "agreement_kind", "field")}
        chosen = {name: value for name, value in chosen.items() if value}

        # Partners alike in every filter counted together: a few hundred groups, whatever the number of matches.
        groups = Counter(map(group.__getitem__, matched))
        by_facet = {name: Counter() for name in ("country", "kind", "status", "agreement_kind", "field")}
        for (country, kind, status, its_kinds, its_fields), n in groups.items():
            # Each filter's values for these partners: several kinds of agreement and fields of education.
            own = {
                "country": (country,),
                "kind": (kind,),
                "status": (status,),
                "agreement_kind": its_kinds,
                "field": its_fields,
            }
            failed = [name for name, value in chosen.items() if value not in own[name]]
            if len(failed) > 1:
                continue  # counted in no facet: each facet counts within every other filter
            for name in failed or by_facet:
                for value in own[name]:
                    by_facet[name][value] += n
        if chosen:
            # The groups that pass every filter, then their partners (in order).
            passing = {
                key
                for key in groups
                if all(
                    value in own
                    for value, own in (
                        (chosen.get("country"), (key[0],)),
                        (chosen.get("kind"), (key[1],)),
                        (chosen.get("status"), (key[2],)),
                        (chosen.get("agreement_kind"), key[3]),
                        (chosen.get("field"), key[4]),
                    )
                    if value
                )
            }
            ids = [pk for pk in matched if group[pk] in passing]
        else:
            ids = matched
        if sort == "-agreements":
            ids.sort(key=lambda pk: -active.get(pk, 0))  # stable: by name within the same number
        # Each facet offers its values found among the matches and, even when none has it, the value chosen (so
        # that it stays chosen and reads «(0)»), if it is one a reader could choose.
        by_country = by_facet["country"]
        names, order = country_names(get_language())
        countries = dict(by_country)
        if chosen.get("country") in names:
            countries.setdefault(chosen["country"], 0)
        counted = {
            "country": sorted(
                ((code, names.get(code, code), n) for code, n in countries.items()),
                key=lambda row: order.get(row[0], len(order)),
            )
        }
        for name, choices in (
            ("kind", Partner.Kind.choices),
            ("status", Partner.Status.choices),
            ("agreement_kind", [(ANY_AGREEMENT, gettext("Any active agreement")), *Agreement.Kind.choices]),
        ):
            counts = by_facet[name]
            counted[name] = [
                (value, label, counts[value])
                for value, label in choices
                if counts.get(value) or value == chosen.get(name)
            ]
        by_field = by_facet["field"]
        codes = {*by_field, chosen["field"]} if chosen.get("field") else set(by_field)
        names = dict(IscedField.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
        counted["field"] = [
            (code, f"{code} {names.get(code, '')}", by_field[code])
            for code in sorted(codes)
            if code in by_field or code in names
        ]
        return Directory(counted, by_country, ids, active)

    def for_directory(self, filters):
        """The directory's list: matching partners with their count of active agreements, sorted as asked
        (filters["sort"]: name in the page's language, country or most active agreements)."""
        # Imported here: agreements.py imports this module for Partner.
        from .agreements import Agreement

        partners = self.matching(filters).annotate(
            active_agreements=Count("agreements", filter=Q(agreements__status=Agreement.Status.ACTIVE), distinct=True),
            sort_name=localized_expression(),
        )
        return partners.order_by(self.SORTS[filters.get("sort") or "name"], "sort_name", "pk")


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
        indexes = [models.Index(fields=["country"], name="partner_country")]
        constraints = [
            models.UniqueConstraint(
                fields=["ror_id"],
                condition=~Q(ror_id=""),
                name="partner_ror_id_unique",
                violation_error_message=_("Another partner institution already has this ROR ID."),
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["erasmus_code"],
                condition=~Q(erasmus_code=""),
                name="partner_erasmus_code_unique",
                violation_error_message=_("Another partner institution already has this Erasmus code."),
                violation_error_code="unique",
            ),
            models.UniqueConstraint(
                fields=["hei_id"],
                condition=~Q(hei_id=""),
                name="partner_hei_id_unique",
                violation_error_message=_("Another partner institution already has this EWP HEI ID."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Domains and campuses live in their own rows: read here when the partner has them; a new domain is
        # added by services.refresh_search_text, a new campus by the campus's own save.
        if self.pk:
            domains = [d.domain for d in self.domains.all()]
            cities = [city for row in self.campuses.values_list(*localized_fields("city")) for city in row]
        else:
            domains, cities = [], []
        self.search_text = self.build_search_text(domains, cities)
        if not self.slug:
            self.slug = unique_slug(Partner.objects.exclude(pk=self.pk), self.name_en or self.name, "partner")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partnerships:partner_detail", kwargs={"slug": self.slug})

    normalise = staticmethod(normalise)

    def all_names(self):
        names = [getattr(self, column, "") for column in localized_fields("name", "short_name")]
        return [self.name, *names, *self.other_names.splitlines()]

    def all_cities(self):
        """The city as every language writes it (Urumqi, Үрімші, Урумчи, 乌鲁木齐): the pages show each."""
        return [getattr(self, column, "") for column in ("city", *localized_fields("city"))]

    def build_search_text(self, domains=(), campus_cities=()):
        return search_document(self.all_names(), [*self.all_cities(), self.region, *campus_cities], domains)


class PartnerDomain(models.Model):
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="domains")
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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.partner_id:  # the campus's city is searched for: the partner's search text learns it
            partner = self.partner
            cities = [city for row in partner.campuses.values_list(*localized_fields("city")) for city in row]
            partner.search_text = partner.build_search_text(partner.domains.values_list("domain", flat=True), cities)
            Partner.objects.filter(pk=partner.pk).update(search_text=partner.search_text)

    def all_cities(self):
        """The campus's city as every language writes it, for its partner's search text."""
        return [getattr(self, column) for column in localized_fields("city")]


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
    code = models.CharField(
        _("EWP unit code"),
        max_length=64,
        blank=True,
        validators=[RegexValidator(r"^[!-~]{1,64}$", _("Letters, digits and signs without spaces, e.g. 140."))],
        help_text=_(
            "The unit's identifier in Erasmus Without Paper: for our units a short code of our choosing (e.g. 140), "
            "for a partner's unit the one its own system gives."
        ),
    )

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="unit_not_its_own_parent",
                violation_error_message=_("A unit cannot be part of itself."),
            ),
        ]

    # What a unit's name reads besides the unit, loaded with it wherever a form names it (the admin's choices).
    named_with = ("partner",)

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
                fields=["partner"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_partner",
                violation_error_message=_("This partner already has a primary contact; untick it there first."),
                violation_error_code="unique",
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
