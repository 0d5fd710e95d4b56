"""Business actions of the partnerships app: agreement lifecycle, search index, import of universities."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import User
from config.models import check_transition

from .models import Agreement, AgreementTransition, Partner, PartnerDomain

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
    agreement.status = target
    agreement.full_clean()
    agreement.save()
    AgreementTransition.objects.create(
        agreement=agreement, from_status=current, to_status=target, by=by, comment=comment, at=timezone.now()
    )
    return agreement


def refresh_search_text(partners: Iterable[Partner]) -> None:
    """Rebuild the search text of these partners, e.g. after their email domains changed."""
    partners = list(Partner.objects.filter(pk__in=[p.pk for p in partners]).prefetch_related("domains"))
    for partner in partners:
        partner.search_text = partner.build_search_text([d.domain for d in partner.domains.all()])
    Partner.objects.bulk_update(partners, ["search_text"], batch_size=1_000)


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


@transaction.atomic
def import_universities(records: list, *, progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Create or update prospective partners from world-universities records, matched by email domain.

    Idempotent: a second run with the same records changes nothing. Works in bulk, with a fixed number of
    queries per thousand records; a rejected record is reported with its reason and imports nothing.
    """
    report = ImportReport()
    owner_of = dict(PartnerDomain.objects.values_list("domain", "partner_id"))
    existing = Partner.objects.in_bulk(set(owner_of.values()))
    slugs = set(Partner.objects.values_list("slug", flat=True))
    to_create: list[tuple[Partner, list[str]]] = []
    to_update: dict[int, Partner] = {}
    claimed: set[str] = set()
    for index, record in enumerate(records, start=1):
        if progress and index % 500 == 0:
            progress(index, len(records))
        try:
            name, code, domains, website, region = _clean_record(record)
        except ValueError as reason:
            report.rejected.append((index, str(reason)))
            continue
        if claimed & set(domains):
            report.rejected.append((index, _("a domain already used by an earlier record")))
            continue
        claimed.update(domains)
        owners = {owner_of[d] for d in domains if d in owner_of}
        if len(owners) > 1:
            report.rejected.append((index, _("its domains belong to different partners")))
            continue
        if owners:
            partner = existing[owners.pop()]
            changed = [
                attr
                for attr, value in (("country", code), ("website", website), ("region", region))
                if value and str(getattr(partner, attr)) != value
            ]
            if not changed:
                report.skipped += 1
                continue
            for attr in changed:
                setattr(partner, attr, {"country": code, "website": website, "region": region}[attr])
            to_update[partner.pk] = partner
            continue
        slug = base = slugify(name)[:100] or "partner"
        number = 2
        while slug in slugs:
            slug, number = f"{base}-{number}", number + 1
        slugs.add(slug)
        partner = Partner(
            name=name, name_en=name, country=code, website=website, region=region, slug=slug, is_public=False
        )
        partner.search_text = partner.build_search_text(domains)
        to_create.append((partner, domains))
    Partner.objects.bulk_create([partner for partner, _domains in to_create], batch_size=1_000)
    PartnerDomain.objects.bulk_create(
        [PartnerDomain(partner=partner, domain=domain) for partner, domains in to_create for domain in domains],
        batch_size=2_000,
    )
    Partner.objects.bulk_update(list(to_update.values()), ["country", "website", "region"], batch_size=1_000)
    report.created = len(to_create)
    report.updated = len(to_update)
    if progress:
        progress(len(records), len(records))
    return report
