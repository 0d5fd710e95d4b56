"""Importing a partner's copy of an agreement (their IIA v7 `iias-get-response`) and comparing it with ours.

The document is checked (size, XML, the official schema), matched to one of our agreements by its ids, and its
cooperation conditions are set beside ours, one mobility type and direction at a time, in the same shape.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from lxml import etree

from config.models import HomeInstitution
from partnerships.models import Agreement, CooperationCondition, PartnerDomain

from .models import PartnerCopy

MAX_BYTES = 2 * 1024 * 1024
SCHEMA = ("schemas", "ewp-specs-api-iias-v7.0.0", "endpoints", "get-response.xsd")
NS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
Type = CooperationCondition.MobilityType
# The mobility specifications of IIA v7 and our mobility types (a doctoral stay has no specification of its own).
SPECS = {
    "student-studies-mobility-spec": Type.STUDENT_STUDIES,
    "student-traineeship-mobility-spec": Type.STUDENT_TRAINEESHIP,
    "staff-teacher-mobility-spec": Type.STAFF_TEACHING,
    "staff-training-mobility-spec": Type.STAFF_TRAINING,
}
STUDENT_TYPES = {Type.STUDENT_STUDIES, Type.STUDENT_TRAINEESHIP}
OUT, IN = "out", "in"
DIRECTIONS = {OUT: gettext_lazy("from us to the partner"), IN: gettext_lazy("from the partner to us")}
# What is compared, in the order the comparison shows it.
FIELDS = (
    ("academic_years", gettext_lazy("academic years")),
    ("places", gettext_lazy("places per year")),
    ("months", gettext_lazy("total months per year")),
    ("days", gettext_lazy("total days per year")),
    ("isced", gettext_lazy("fields of education (ISCED-F)")),
    ("eqf", gettext_lazy("EQF levels")),
    ("languages", gettext_lazy("recommended languages (CEFR)")),
    ("blended", gettext_lazy("blended mobility")),
)


@dataclass(frozen=True)
class Condition:
    """One cooperation condition of either side, in one shape: what the two copies must agree on."""

    mobility_type: str
    direction: str
    first_year: str
    last_year: str
    places: int | None
    months: Decimal | None
    days: int | None
    isced: tuple[str, ...]
    eqf: tuple[int, ...]
    languages: tuple[str, ...]
    blended: bool | None

    def shown(self, name: str) -> str:
        """The value of a compared field as a reader sees it."""
        if name == "academic_years":
            return f"{self.first_year}–{self.last_year}" if self.first_year or self.last_year else "—"
        value = getattr(self, name)
        if value is None or value == ():
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        if isinstance(value, tuple):
            return ", ".join(str(item) for item in value)
        return str(value)


@dataclass(frozen=True)
class Cell:
    label: str
    ours: str
    theirs: str
    differs: bool


@dataclass
class Row:
    """A mobility type and direction: our condition and the partner's, field by field."""

    mobility_type: str
    direction: str
    ours: Condition | None
    theirs: Condition | None
    cells: list[Cell]

    @property
    def title(self) -> str:
        return f"{Type(self.mobility_type).label}, {DIRECTIONS[self.direction]}"

    @property
    def state(self) -> str:
        if self.theirs is None:
            return _("Only in our copy")
        if self.ours is None:
            return _("Only in the partner's copy")
        differing = sum(cell.differs for cell in self.cells)
        if differing:
            return ngettext("%(count)d difference", "%(count)d differences", differing) % {"count": differing}
        return _("The same")

    @property
    def differences(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.differs]


@dataclass(frozen=True)
class PartnerEntry:
    hei_id: str
    iia_id: str
    iia_code: str


@dataclass(frozen=True)
class PartnerDocument:
    """What the portal reads of a partner's `<iia>`: both partners' ids, the stated hash, the specifications."""

    partners: tuple[PartnerEntry, ...]
    iia_hash: str
    specs: tuple[etree._Element, ...]
    text: str


# ---------------------------------------------------------------- reading the document


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(settings.EWP_SCHEMAS_DIR.joinpath(*SCHEMA))))


def _parser() -> etree.XMLParser:
    # No entities, no DTD, no network: a partner's file cannot make the portal read anything else.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)


def read_document(data: bytes) -> PartnerDocument:
    """The partner's agreement in an `iias-get-response` document, or a ValidationError saying what is wrong."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; a partner's copy may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)},
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise ValidationError(
            _("The file is not an XML document (line %(line)s)."),
            code="not_xml",
            params={"line": error.lineno or 1},
        ) from error
    schema = _schema()
    if not schema.validate(root):
        first = schema.error_log[0]
        raise ValidationError(
            _(
                "The document is not an agreement in the EWP format (IIA v7 get response): line %(line)s, "
                "element «%(element)s» does not follow the schema."
            ),
            code="invalid",
            params={"line": first.line, "element": _element_named(first.message) or etree.QName(root).localname},
        )
    iias = root.findall(f"{{{NS}}}iia")
    if len(iias) != 1:
        raise ValidationError(
            ngettext(
                "The document holds %(count)d agreement; import one agreement at a time.",
                "The document holds %(count)d agreements; import one agreement at a time.",
                len(iias),
            ),
            code="count",
            params={"count": len(iias)},
        )
    iia = iias[0]
    partners = tuple(
        PartnerEntry(
            hei_id=(partner.findtext(f"{{{NS}}}hei-id") or "").strip(),
            iia_id=(partner.findtext(f"{{{NS}}}iia-id") or "").strip(),
            iia_code=(partner.findtext(f"{{{NS}}}iia-code") or "").strip(),
        )
        for partner in iia.findall(f"{{{NS}}}partner")
    )
    conditions = iia.find(f"{{{NS}}}cooperation-conditions")
    specs = tuple(child for child in conditions if etree.QName(child).localname in SPECS)
    return PartnerDocument(
        partners=partners,
        iia_hash=(iia.findtext(f"{{{NS}}}iia-hash") or "").strip(),
        specs=specs,
        text=etree.tostring(root, encoding="unicode"),
    )


def _element_named(message: str) -> str:
    found = re.match(r"Element '(?:\{[^}]*\})?([^']+)'", message)
    return found.group(1) if found else ""


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text.strip()) if text and text.strip() else None
    except InvalidOperation:
        return None


def _integer(text: str | None) -> int | None:
    return int(text.strip()) if text and text.strip().isdigit() else None


def partner_conditions(document: PartnerDocument, *, partner_hei_id: str) -> list[Condition]:
    """The partner's mobility specifications as conditions; the direction is seen from our side."""
    conditions = []
    for spec in document.specs:
        mobility_type = SPECS[etree.QName(spec).localname]

        def text(name, spec=spec):
            return (spec.findtext(f"{{{NS}}}{name}") or "").strip()

        languages = sorted(
            " ".join(filter(None, (text_of(skill, "language").lower(), text_of(skill, "cefr-level").upper())))
            for skill in spec.findall(f"{{{NS}}}recommended-language-skill")
            if not _not_yet_defined(skill)
        )
        places = spec.find(f"{{{NS}}}mobilities-per-year")
        blended = text("blended")
        conditions.append(
            Condition(
                mobility_type=mobility_type,
                direction=IN if text("sending-hei-id") == partner_hei_id else OUT,
                first_year=text("receiving-first-academic-year-id"),
                last_year=text("receiving-last-academic-year-id"),
                places=None if places is None or _not_yet_defined(places) else _integer(places.text),
                months=_decimal(text("total-months-per-year")),
                days=_integer(text("total-days-per-year")),
                isced=tuple(
                    sorted(
                        text_of(area, "isced-f-code")
                        for area in spec.findall(f"{{{NS}}}subject-area")
                        if text_of(area, "isced-f-code")
                    )
                ),
                eqf=tuple(sorted(int(level.text) for level in spec.findall(f"{{{NS}}}eqf-level"))),
                languages=tuple(languages),
                blended=(blended in ("true", "1")) if mobility_type in STUDENT_TYPES else None,
            )
        )
    return conditions


def _not_yet_defined(element) -> bool:
    # A value an agreement from before IIA v7 could not give: the partner has not stated it yet.
    return element.get("not-yet-defined", "").strip() in ("true", "1")


def text_of(element, name: str) -> str:
    return (element.findtext(f"{{{NS}}}{name}") or "").strip()


def our_conditions(agreement: Agreement, *, partner=None) -> list[Condition]:
    """Our conditions of the agreement (with this partner, when it has several) in the shape of the partner's."""
    rows = agreement.conditions.filter(mobility_type__in=SPECS.values()).prefetch_related("fields_of_education")
    if partner is not None:
        rows = [row for row in rows if partner.pk in (row.sending_partner_id, row.receiving_partner_id)]
    conditions = []
    for row in rows:
        student = row.mobility_type in STUDENT_TYPES
        language = " ".join(filter(None, (row.language.lower(), row.cefr_level)))
        conditions.append(
            Condition(
                mobility_type=row.mobility_type,
                direction=OUT if row.sending_partner_id is None else IN,
                first_year=row.academic_year_from,
                last_year=row.academic_year_to,
                places=row.places_per_year,
                months=row.total_months_per_year,
                days=row.total_days_per_year,
                isced=tuple(sorted(field.code for field in row.fields_of_education.all())),
                eqf=tuple(sorted(row.eqf_levels or [])) if student else (),
                languages=(language,) if language else (),
                blended=row.is_blended if student else None,
            )
        )
    return sorted(conditions, key=_in_order)


def _in_order(condition: Condition):
    # The order of the specifications in an IIA: by mobility type, then ours first.
    return list(Type.values).index(condition.mobility_type), condition.direction != OUT, condition.first_year


# ---------------------------------------------------------------- comparing


def _cells(ours: Condition | None, theirs: Condition | None) -> list[Cell]:
    cells = []
    for name, label in FIELDS:
        mine = ours.shown(name) if ours else "—"
        other = theirs.shown(name) if theirs else "—"
        cells.append(Cell(label=str(label), ours=mine, theirs=other, differs=bool(ours and theirs) and mine != other))
    return cells


def _distance(ours: Condition, theirs: Condition) -> int:
    return sum(ours.shown(name) != theirs.shown(name) for name, _label in FIELDS)


def compare(ours: list[Condition], theirs: list[Condition]) -> list[Row]:
    """Each mobility type and direction with our condition beside the partner's; within one type and direction,
    the closest pairs are set side by side and the rest show as only in one copy."""
    groups = defaultdict(lambda: ([], []))
    for condition in ours:
        groups[(condition.mobility_type, condition.direction)][0].append(condition)
    for condition in theirs:
        groups[(condition.mobility_type, condition.direction)][1].append(condition)
    order = list(Type.values)
    rows = []
    for (mobility_type, direction), (mine, others) in sorted(
        groups.items(), key=lambda item: (order.index(item[0][0]), item[0][1] != OUT)
    ):
        others = list(others)
        for condition in sorted(mine, key=lambda c: c.first_year):
            match = min(others, key=lambda other: _distance(condition, other), default=None)
            if match is not None:
                others.remove(match)
            rows.append(Row(mobility_type, direction, condition, match, _cells(condition, match)))
        rows += [Row(mobility_type, direction, None, other, _cells(None, other)) for other in others]
    return rows


def comparison(copy: PartnerCopy) -> list[Row]:
    """The comparison of a stored partner's copy with our agreement as it is now."""
    document = read_document(copy.document.encode("utf-8"))
    partner = partner_of(copy.agreement, copy.partner_hei_id)
    return compare(
        our_conditions(copy.agreement, partner=partner),
        partner_conditions(document, partner_hei_id=copy.partner_hei_id),
    )


def difference_count(rows: list[Row]) -> int:
    return sum(len(row.differences) + (row.ours is None) + (row.theirs is None) for row in rows)


# ---------------------------------------------------------------- matching


OUR_IIA_ID = re.compile(r"^kopir-(\d+)$")


def our_iia_id(agreement: Agreement) -> str:
    """The id our copies of the agreement carry in the exchange."""
    return f"kopir-{agreement.pk}"


def agreement_with_our_id(iia_id: str) -> Agreement | None:
    found = OUR_IIA_ID.match(iia_id)
    return Agreement.objects.filter(pk=int(found.group(1))).first() if found else None


def home_hei_ids() -> set[str]:
    """The SCHAC codes that name our university: its email domains."""
    home = HomeInstitution.objects.current()
    return set(home.faculty_domains) if home else set()


def partner_of(agreement: Agreement, hei_id: str):
    """The agreement's partner whose domain is this SCHAC code, or None."""
    domains = PartnerDomain.objects.filter(partner__in=agreement.partners.all(), domain__iexact=hei_id)
    found = domains.select_related("partner").first()
    return found.partner if found else None


def match_agreement(document: PartnerDocument, *, chosen: Agreement | None = None) -> tuple[Agreement, PartnerEntry]:
    """Our agreement the document is a copy of, and the partner's entry in it.

    By the partner's ids of an earlier import, else by our agreement's id in the document, else the chosen
    agreement when one side of the document is its partner (or us).
    """
    ours = home_hei_ids()
    for entry in document.partners:
        earlier = PartnerCopy.objects.filter(partner_hei_id=entry.hei_id, partner_iia_id=entry.iia_id).first()
        if earlier is not None:
            return _confirmed(earlier.agreement, entry, chosen)
    for entry in document.partners:
        if entry.hei_id in ours:
            agreement = agreement_with_our_id(entry.iia_id)
            others = [other for other in document.partners if other is not entry]
            if agreement is not None and others:
                return _confirmed(agreement, others[0], chosen)
    if chosen is not None:
        for entry in document.partners:
            if partner_of(chosen, entry.hei_id) is not None:
                return chosen, entry
        theirs = [entry for entry in document.partners if entry.hei_id not in ours]
        if len(theirs) == 1 and len(document.partners) == 2:
            return chosen, theirs[0]
        raise ValidationError(
            _(
                "Neither institution in the document (%(ids)s) is a partner of «%(agreement)s»: add the partner's "
                "SCHAC code as one of its domains, or choose another agreement."
            ),
            code="unknown_partner",
            params={"ids": ", ".join(entry.hei_id for entry in document.partners), "agreement": chosen},
        )
    raise ValidationError(
        _(
            "No agreement matches the document: it names none of our agreement IDs and no earlier copy has the "
            "partner's IDs (%(ids)s). Choose the agreement it belongs to."
        ),
        code="unknown_agreement",
        params={"ids": ", ".join(f"{entry.hei_id} {entry.iia_id}" for entry in document.partners)},
    )


def _confirmed(agreement: Agreement, entry: PartnerEntry, chosen: Agreement | None):
    if chosen is not None and chosen != agreement:
        raise ValidationError(
            _("The document is a copy of «%(found)s», not of «%(chosen)s»."),
            code="other_agreement",
            params={"found": agreement, "chosen": chosen},
        )
    return agreement, entry


# ---------------------------------------------------------------- services


def _save(copy: PartnerCopy, *, by, reason: str) -> PartnerCopy:
    before = copy.approval
    copy.approval = copy.current_approval()
    if copy.approval != before:
        reason = _("%(action)s Approval: %(before)s → %(after)s.") % {
            "action": reason,
            "before": PartnerCopy.Approval(before).label,
            "after": copy.approval.label,
        }
    copy._history_user = by
    copy._change_reason = reason
    copy.save()
    return copy


@transaction.atomic
def import_partner_copy(data: bytes, *, by, agreement: Agreement | None = None, now=None) -> PartnerCopy:
    """Record a partner's `iias-get-response` as their copy of our agreement (a new import replaces the previous
    one, which the history keeps). Our approval lapses when the partner's hash changes. Nothing is saved on error."""
    document = read_document(data)
    agreement, entry = match_agreement(document, chosen=agreement)
    if not entry.iia_id:
        raise ValidationError(
            _("The partner's entry (%(hei)s) has no agreement ID: ask the partner for a copy with its ID."),
            code="no_partner_id",
            params={"hei": entry.hei_id},
        )
    copy = PartnerCopy.objects.filter(partner_hei_id=entry.hei_id, partner_iia_id=entry.iia_id).first()
    copy = copy or PartnerCopy(agreement=agreement, partner_hei_id=entry.hei_id, partner_iia_id=entry.iia_id)
    copy.partner_iia_code = entry.iia_code
    copy.partner_hash = document.iia_hash
    copy.document = document.text
    copy.imported_at = now or timezone.now()
    copy.imported_by = by
    return _save(copy, by=by, reason=_("Imported."))


@transaction.atomic
def approve_partner_copy(copy: PartnerCopy, *, by, now=None) -> PartnerCopy:
    """Approve the partner's copy as it is now (its hash); refused while it differs from ours."""
    copy = PartnerCopy.objects.select_for_update().get(pk=copy.pk)
    count = difference_count(comparison(copy))
    if count:
        raise ValidationError(
            ngettext(
                "The partner's copy differs from ours in %(count)d place: agree on the conditions first.",
                "The partner's copy differs from ours in %(count)d places: agree on the conditions first.",
                count,
            )
            % {"count": count}
        )
    copy.approved_hash = copy.partner_hash
    copy.approved_at = now or timezone.now()
    return _save(copy, by=by, reason=_("Approved by us."))


@transaction.atomic
def record_partner_approval(copy: PartnerCopy, *, by, now=None) -> PartnerCopy:
    """Record that the partner approved our copy of the agreement (their approval reached us)."""
    copy = PartnerCopy.objects.select_for_update().get(pk=copy.pk)
    copy.partner_approved_at = now or timezone.now()
    return _save(copy, by=by, reason=_("The partner's approval recorded."))


@transaction.atomic
def withdraw_partner_approval(copy: PartnerCopy, *, by) -> PartnerCopy:
    """Record that the partner withdrew their approval of our copy (after a change on our side, say)."""
    copy = PartnerCopy.objects.select_for_update().get(pk=copy.pk)
    copy.partner_approved_at = None
    return _save(copy, by=by, reason=_("The partner's approval withdrawn."))
