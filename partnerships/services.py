"""Business actions of the partnerships app: agreement lifecycle, search index, import of universities."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries
from simple_history.models import HistoricalChanges

from accounts.models import User
from config import pagecache
from config.bulk import column_defaults, defer_index_merges, insert_rows, settle_indexes
from config.history import save_with_history, upsert_with_history
from config.i18n import localized_fields
from config.models import check_transition
from config.text import join_list

from .models import (
    Agreement,
    AgreementTransition,
    Campus,
    Contact,
    CooperationCondition,
    JointProgram,
    Partner,
    PartnerDomain,
    ResearchProject,
    Unit,
)

# Which status may follow which: the agreement lifecycle.
AGREEMENT_TRANSITIONS = {
    Agreement.Status.DRAFT: {Agreement.Status.NEGOTIATION, Agreement.Status.AWAITING_SIGNATURE},
    Agreement.Status.NEGOTIATION: {Agreement.Status.DRAFT, Agreement.Status.AWAITING_SIGNATURE},
    Agreement.Status.AWAITING_SIGNATURE: {Agreement.Status.NEGOTIATION, Agreement.Status.ACTIVE},
    Agreement.Status.ACTIVE: {Agreement.Status.EXPIRED, Agreement.Status.TERMINATED},
    Agreement.Status.EXPIRED: set(),
    Agreement.Status.TERMINATED: set(),
}


@transaction.atomic
def change_agreement_status(
    agreement: Agreement, *, to: str, by: User, comment: str = "", signed_on: date | None = None
) -> Agreement:
    """Move an agreement along its lifecycle and record who did it, when and why.

    Activating needs the signing date (given here or already set); ending an agreement needs a comment.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    current = Agreement.Status(agreement.status)
    target = Agreement.Status(to)
    check_transition(
        AGREEMENT_TRANSITIONS,
        current,
        target,
        message=_("An agreement that is «%(current)s» cannot become «%(target)s»."),
    )
    if target == Agreement.Status.ACTIVE:
        agreement.signed_on = signed_on or agreement.signed_on
        if agreement.signed_on is None:
            raise ValidationError(_("Give the date the agreement was signed."), code="signed_on_required")
        agreement.valid_from = agreement.valid_from or agreement.signed_on
    if target == Agreement.Status.TERMINATED and not comment.strip():
        raise ValidationError(_("Say why the agreement is terminated."), code="comment_required")
    agreement = save_with_history(agreement, by=by, values={"status": target}, reason=comment)
    AgreementTransition.objects.create(
        agreement=agreement, from_status=current, to_status=target, by=by, comment=comment, at=timezone.now()
    )
    return agreement


@transaction.atomic
def draft_agreement(*, reference_number: str, partners: Iterable[Partner], by: User, values: dict) -> Agreement:
    """Open a new agreement as a draft with its partners; the draft is the first row of its history.

    Idempotent: an agreement with this reference number is returned as it is.
    """
    existing = Agreement.objects.filter(reference_number=reference_number).first()
    if existing:
        return existing
    agreement = Agreement(reference_number=reference_number, status=Agreement.Status.DRAFT)
    agreement = save_with_history(agreement, by=by, values=values)
    agreement.partners.set(partners)
    AgreementTransition.objects.create(
        agreement=agreement,
        from_status=Agreement.Status.DRAFT,
        to_status=Agreement.Status.DRAFT,
        by=by,
        at=timezone.now(),
    )
    return agreement


@transaction.atomic
def describe_partner(partner: Partner, *, values: dict, by: User | None = None) -> Partner:
    """Write what the office knows of a partner (names in every language, city, status, whether it is listed).

    Validated before saving, the change kept in the partner's history, its search text rebuilt.
    """
    save_with_history(partner, by=by, values=values)
    refresh_search_text([partner])
    return partner


def refresh_search_text(partners: Iterable[Partner]) -> None:
    """Rebuild the search text of these partners, e.g. after their email domains changed."""
    partners = list(Partner.objects.filter(pk__in=[p.pk for p in partners]).prefetch_related("domains", "campuses"))
    for partner in partners:
        partner.search_text = partner.build_search_text(
            [d.domain for d in partner.domains.all()],
            [city for campus in partner.campuses.all() for city in campus.all_cities()],
        )
    Partner.objects.bulk_update(partners, ["search_text"], batch_size=1_000)


# ---------------------------------------------------------------- merging duplicates

# A partner's identifiers and website, taken from a merged partner when the kept one has none.
MERGED_WHEN_EMPTY = ("ror_id", "erasmus_code", "hei_id", "website")


def _pointers(model: type[models.Model]) -> list[tuple[type[models.Model], models.Field, Q]]:
    """Every column that points to a row of `model`: foreign keys of any model (the tables behind many-to-many
    fields included) and generic relations, as (model holding the column, column, rows concerned).

    Found through the models' _meta, so a relation added later is merged too. History rows keep what was.
    """
    pointers = []
    for relation in model._meta.get_fields(include_hidden=True):
        reverse_key = relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
        if reverse_key and not issubclass(relation.related_model, HistoricalChanges):
            pointers.append((relation.related_model, relation.field, Q()))
    content_type = ContentType.objects.get_for_model(model)
    for holder in apps.get_models():
        for generic in holder._meta.private_fields:
            if isinstance(generic, GenericForeignKey) and not issubclass(holder, HistoricalChanges):
                column = holder._meta.get_field(generic.fk_field)
                pointers.append((holder, column, Q(**{generic.ct_field: content_type})))
    return pointers


def _unique_checks(model: type[models.Model], column: models.Field) -> list[tuple[list[str], Q]]:
    """The unique rules of `model` that involve `column`: (the other columns of the rule, the rule's condition)."""
    checks = [([], Q())] if column.unique and not column.primary_key else []
    for together in model._meta.unique_together:
        if column.name in together:
            checks.append(([model._meta.get_field(n).attname for n in together if n != column.name], Q()))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and column.name in constraint.fields:
            others = [model._meta.get_field(n).attname for n in constraint.fields if n != column.name]
            checks.append((others, constraint.condition or Q()))
    return checks


def _repoint(model: type[models.Model], kept_pk: int, other_pks: list[int]) -> None:
    """Point everything that refers to the rows `other_pks` of `model` to the row `kept_pk` instead, in bulk.

    A row that would then repeat one the kept row already has (the same agreement twice, the same host in a
    call) is a duplicate and is deleted, as is a link between two of the merged rows; a reference of the kept
    row to one of the others (a unit's parent) is cleared.
    """
    for holder, column, concerned in _pointers(model):
        convert = (lambda pk: pk) if column.is_relation else column.to_python
        kept_value = convert(kept_pk)
        moving = holder._default_manager.filter(
            concerned, **{f"{column.attname}__in": [convert(pk) for pk in other_pks]}
        )
        if holder is model:
            if column.null:
                moving.filter(pk=kept_pk).update(**{column.attname: None})
            moving = moving.exclude(pk=kept_pk)
        if holder._meta.auto_created:
            # The table of a many-to-many field between two rows of the model (a partner's predecessors).
            for sibling in holder._meta.concrete_fields:
                if sibling is not column and sibling.is_relation and sibling.related_model is model:
                    moving.filter(**{f"{sibling.attname}__in": [kept_pk, *other_pks]}).delete()
        for other_columns, condition in _unique_checks(holder, column):
            rows = holder._default_manager.filter(concerned, condition)
            taken = {
                tuple(values[:-1])
                for values in rows.filter(**{column.attname: kept_value}).values_list(*other_columns, "pk")
            }
            duplicates = []
            for values in moving.filter(condition).order_by("pk").values_list(*other_columns, "pk"):
                if tuple(values[:-1]) in taken:
                    duplicates.append(values[-1])
                else:
                    taken.add(tuple(values[:-1]))
            holder._default_manager.filter(pk__in=duplicates).delete()
        moving.update(**{column.attname: kept_value})


def _merge_same_names(model: type[models.Model], partner: Partner, *, first: set[int]) -> None:
    """Units (or campuses) of one partner that share a name in a language become one: the partner's own
    (`first`) or else the oldest is kept, and what pointed to the others points to it."""
    columns = localized_fields("name")
    rows = model._default_manager.filter(partner=partner).values_list("pk", *columns)
    owner_of: dict[tuple[str, str], int] = {}
    merged_into: dict[int, list[int]] = {}
    for pk, *names in sorted(rows, key=lambda row: (row[0] not in first, row[0])):
        keys = {(column, Partner.normalise(name)) for column, name in zip(columns, names, strict=True) if name}
        owner = next((owner_of[key] for key in keys if key in owner_of), None)
        if owner is None:
            owner_of.update(dict.fromkeys(keys, pk))
        else:
            merged_into.setdefault(owner, []).append(pk)
    for kept_pk, other_pks in merged_into.items():
        _repoint(model, kept_pk, other_pks)
        model._default_manager.filter(pk__in=other_pks).delete()


@transaction.atomic
def merge_partners(kept: Partner, others: Iterable[Partner], *, by: User) -> Partner:
    """Merge duplicate partners into `kept` and delete them, in one transaction and in bulk.

    Everything that points to them (agreements, units, campuses, contacts, domains, visits, calls, mobilities,
    programs, projects, any later relation) moves to `kept`; units and campuses of the same name become one; their
    names become former names of `kept`, which takes their identifiers where it has none. The history of `kept`
    records the merge and who made it.
    """
    kept = Partner.objects.select_for_update().get(pk=kept.pk)
    others = list(Partner.objects.select_for_update().filter(pk__in=[p.pk for p in others]).exclude(pk=kept.pk))
    if not others:
        raise ValidationError(_("Choose at least one other partner to merge into the kept one."), code="nothing")
    other_pks = [other.pk for other in others]
    own = {
        model: set(model._default_manager.filter(partner=kept).values_list("pk", flat=True)) for model in (Unit, Campus)
    }
    # One primary contact: the kept partner's, or else the first of the others'.
    primaries = Contact.objects.filter(partner__in=[kept.pk, *other_pks], is_primary=True)
    primary = primaries.filter(partner=kept).first() or primaries.order_by("pk").first()
    if primary:
        primaries.exclude(pk=primary.pk).update(is_primary=False)

    _repoint(Partner, kept.pk, other_pks)
    for model in (Unit, Campus):
        _merge_same_names(model, kept, first=own[model])

    known = {Partner.normalise(name) for name in kept.all_names() if name}
    former = []
    for other in others:
        for name in other.all_names():
            if name and Partner.normalise(name) not in known:
                known.add(Partner.normalise(name))
                former.append(name)
    taken = {
        attribute: next((getattr(o, attribute) for o in others if getattr(o, attribute)), "")
        for attribute in MERGED_WHEN_EMPTY
        if not getattr(kept, attribute)
    }
    # Deleted before the kept partner takes their identifiers, which are unique.
    Partner.objects.filter(pk__in=other_pks).delete()

    kept.other_names = "\n".join(line for line in [*kept.other_names.splitlines(), *former] if line.strip())
    for attribute, value in taken.items():
        setattr(kept, attribute, value)
    kept._history_user = by
    kept._change_reason = _("Merged with %(partners)s") % {"partners": join_list(f"«{o.name}»" for o in others)}
    kept.save()
    refresh_search_text([kept])
    return kept


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _clean_record(record) -> tuple[str, str, list[str], str, str]:
    """Name, country code, domains, website and region of one record, or ValueError with the reason."""
    if not isinstance(record, dict):
        raise ValueError(_("not an object"))
    name = str(record.get("name") or "").strip()
    if not name:
        raise ValueError(_("no name"))
    if len(name) > 255:
        raise ValueError(_("name longer than 255 characters"))
    code = str(record.get("alpha_two_code") or "").strip().upper()
    if code not in countries:
        raise ValueError(_("unknown country code «%(code)s»") % {"code": code})
    raw_domains = record.get("domains") or []
    if not isinstance(raw_domains, list) or not raw_domains:
        raise ValueError(_("no email domain"))
    domains = []
    for raw in raw_domains:
        domain = str(raw).strip().lower()
        if not domain or " " in domain or "." not in domain or len(domain) > 255:
            raise ValueError(_("invalid domain «%(domain)s»") % {"domain": raw})
        domains.append(domain)
    pages = record.get("web_pages") or []
    website = str(pages[0]).strip() if isinstance(pages, list) and pages else ""
    if website and not website.startswith(("http://", "https://")):
        website = ""
    region = str(record.get("state-province") or "").strip()[:100]
    return name, code, domains, website[:200], region


# Records read, checked and written per batch: each batch costs a fixed number of queries and its rows are
# dropped before the next, so the memory does not grow with the file.
IMPORT_BATCH = 500


class _NewPartner(SimpleNamespace):
    """A partner's row before it is written, read by the model's own search-text method."""

    all_names = Partner.all_names
    all_cities = Partner.all_cities
    build_search_text = Partner.build_search_text


@transaction.atomic
def import_universities(
    records: list, *, progress: Callable[[int, int], None] | None = None, by: User | None = None
) -> ImportReport:
    """Create or update prospective partners from world-universities records, matched by email domain.

    Idempotent: a second run with the same records changes nothing. Works in batches of IMPORT_BATCH with a
    fixed number of queries each (COPY on PostgreSQL), the history of every new partner and domain written
    with it; a rejected record is reported with its reason and imports nothing.
    """
    report = ImportReport()
    defer_index_merges()
    slugs = set(Partner.objects.values_list("slug", flat=True))
    claimed: set[str] = set()
    updated: list[Partner] = []
    for start in range(0, len(records), IMPORT_BATCH):
        batch = records[start : start + IMPORT_BATCH]
        new, changes = _read_batch(batch, first=start + 1, report=report, claimed=claimed, slugs=slugs)
        _write_new_partners(new, by=by)
        updated += changes
        report.created += len(new)
        if progress:
            progress(start + len(batch), len(records))
    Partner.objects.bulk_update(updated, ["country", "website", "region"], batch_size=1_000)
    refresh_search_text(updated)  # the region is searched for
    report.updated = len(updated)
    if report.created:
        settle_indexes(Partner)
        settle_indexes(PartnerDomain)
    pagecache.content_changed("partnerships")  # bulk writes send no signal
    return report


def _read_batch(batch, *, first, report, claimed, slugs) -> tuple[list[tuple[dict, list[str]]], list[Partner]]:
    """The batch's new partner rows (with their domains) and its changed partners; rejections go to the report."""
    cleaned = []
    for index, record in enumerate(batch, start=first):
        try:
            name, code, domains, website, region = _clean_record(record)
        except ValueError as reason:
            report.rejected.append((index, str(reason)))
            continue
        if claimed & set(domains):
            report.rejected.append((index, _("a domain already used by an earlier record")))
            continue
        claimed.update(domains)
        cleaned.append((index, name, code, domains, website, region))
    owner_of = dict(
        PartnerDomain.objects.filter(domain__in=[d for *_rest, domains, _w, _r in cleaned for d in domains])
        .values_list("domain", "partner_id")
        .iterator(chunk_size=IMPORT_BATCH)
    )
    current = {
        pk: {"country": str(country), "website": website, "region": region}
        for pk, country, website, region in Partner.objects.filter(pk__in=set(owner_of.values())).values_list(
            "pk", "country", "website", "region"
        )
    }
    new, changed = [], []
    for index, name, code, domains, website, region in cleaned:
        owners = {owner_of[d] for d in domains if d in owner_of}
        if len(owners) > 1:
            report.rejected.append((index, _("its domains belong to different partners")))
            continue
        if owners:
            pk = owners.pop()
            values = {"country": code, "website": website, "region": region}
            values = {attr: value for attr, value in values.items() if value and current[pk][attr] != value}
            if values:
                changed.append(Partner(pk=pk, **(current[pk] | values)))
            else:
                report.skipped += 1
            continue
        slug = base = slugify(name)[:100] or "partner"
        number = 2
        while slug in slugs:
            slug, number = f"{base}-{number}", number + 1
        slugs.add(slug)
        row = {"name": name, "name_en": name, "country": code, "website": website, "region": region, "slug": slug}
        new.append((row, domains))
    return new, changed


def _write_new_partners(new: list[tuple[dict, list[str]]], *, by: User | None) -> None:
    """Insert the new partners, their domains and the history rows of both (four COPYs on PostgreSQL)."""
    if not new:
        return
    defaults = column_defaults(Partner)
    rows = []
    for values, domains in new:
        row = defaults | values | {"is_public": False}
        row["search_text"] = _NewPartner(**row).build_search_text(domains)
        rows.append(row)
    ids = insert_rows(Partner, rows)
    domain_rows = [
        {"partner_id": pk, "domain": domain}
        for pk, (_values, domains) in zip(ids, new, strict=True)
        for domain in domains
    ]
    domain_ids = insert_rows(PartnerDomain, domain_rows)
    history = {
        "history_date": timezone.now(),
        "history_change_reason": _("Imported from the world universities list"),
        "history_type": "+",
        "history_user_id": by.pk if by else None,
    }
    insert_rows(Partner.history.model, [row | {"id": pk} | history for pk, row in zip(ids, rows, strict=True)])
    insert_rows(
        PartnerDomain.history.model,
        [row | {"id": pk} | history for pk, row in zip(domain_ids, domain_rows, strict=True)],
    )


# ---------------------------------------------------------------- the records the office keeps
# Each is what the admin's form does: validated, saved, the acting user and the reason kept in the history.
# Each looks up its natural key first, so calling it again changes the record instead of adding a second one.


def add_partner(*, slug: str, values: dict, by: User | None) -> Partner:
    """Add the partner of this slug (or change it), its search text rebuilt."""
    partner = upsert_with_history(Partner, lookup={"slug": slug}, values=values, by=by)
    refresh_search_text([partner])
    return partner


def add_partner_domain(partner: Partner, *, domain: str, by: User | None) -> PartnerDomain:
    """Give the partner this email domain (a domain another partner has already is refused)."""
    found = PartnerDomain.objects.filter(domain=domain.lower()).first()
    if found and found.partner_id != partner.pk:
        raise ValidationError(_("This email domain belongs to another partner."), code="domain_taken")
    record = found or save_with_history(PartnerDomain(partner=partner, domain=domain.lower()), by=by)
    refresh_search_text([partner])
    return record


def add_campus(partner: Partner | None, *, name_en: str, values: dict, by: User | None) -> Campus:
    """Add a campus of the partner (None: of the home university), or change the one of this English name."""
    return upsert_with_history(Campus, lookup={"partner": partner, "name_en": name_en}, values=values, by=by)


def add_unit(partner: Partner | None, *, name_en: str, values: dict, by: User | None) -> Unit:
    """Add a unit of the partner (None: of the home university), or change the one of this English name."""
    return upsert_with_history(Unit, lookup={"partner": partner, "name_en": name_en}, values=values, by=by)


def add_contact(partner: Partner, *, name: str, values: dict, by: User | None) -> Contact:
    """Add a contact person of the partner, or change the one of this name."""
    return upsert_with_history(Contact, lookup={"partner": partner, "name": name}, values=values, by=by)


def add_cooperation_condition(
    agreement: Agreement, *, mobility_type: str, sending, receiving, values: dict, fields=(), by: User | None
) -> CooperationCondition:
    """Add the agreement's condition for one mobility type and direction (or change it), with its fields."""
    lookup = {
        "agreement": agreement,
        "mobility_type": mobility_type,
        "sending_partner": sending,
        "receiving_partner": receiving,
    }
    condition = upsert_with_history(CooperationCondition, lookup=lookup, values=values, by=by)
    condition.fields_of_education.set(fields)
    return condition


def create_program(*, slug: str, partners: Iterable[Partner], values: dict, by: User | None) -> JointProgram:
    """Add the joint program of this slug with its partners (or change it)."""
    program = upsert_with_history(JointProgram, lookup={"slug": slug}, values=values, by=by)
    program.partners.set(partners)
    return program


def create_research_project(
    *, acronym: str, partners: Iterable[Partner], values: dict, by: User | None
) -> ResearchProject:
    """Add the research project of this acronym with its partners (or change it)."""
    project = upsert_with_history(ResearchProject, lookup={"acronym": acronym}, values=values, by=by)
    project.partners.set(partners)
    return project


def link_agreement_units(agreement: Agreement, *, units: Iterable[Unit], by: User | None) -> Agreement:
    """Name the partners' units the agreement was concluded with (units of its partners only)."""
    partners = set(agreement.partners.values_list("pk", flat=True))
    if any(unit.partner_id not in partners for unit in units):
        raise ValidationError(_("Choose units of the agreement's partners."), code="foreign_unit")
    return save_with_history(agreement, by=by, relations={"partner_units": units})


def set_agreement_dates(agreement: Agreement, *, by: User | None, **dates) -> Agreement:
    """Change when the agreement is valid (valid_from, valid_until), checked as the agreement form checks it."""
    return save_with_history(agreement, by=by, values=dates)
