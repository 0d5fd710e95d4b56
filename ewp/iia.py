"""Our agreements as EWP inter-institutional agreements (IIA v7 `iias-get-response`), with what keeps them back."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from config.models import HomeInstitution
from partnerships.models import Agreement, CooperationCondition

from .hashing import iia_hash
from .validation import schema_errors

NS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
CONTACT_NS = "https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1"
INDEX_NS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/index-response.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Our mobility types and the specification each becomes, in the order the schema wants them.
SPECS = {
    CooperationCondition.MobilityType.STUDENT_STUDIES: "student-studies-mobility-spec",
    CooperationCondition.MobilityType.STUDENT_TRAINEESHIP: "student-traineeship-mobility-spec",
    CooperationCondition.MobilityType.STAFF_TEACHING: "staff-teacher-mobility-spec",
    CooperationCondition.MobilityType.STAFF_TRAINING: "staff-training-mobility-spec",
}
MobilityType = CooperationCondition.MobilityType
STUDENT_SPECS = {MobilityType.STUDENT_STUDIES, MobilityType.STUDENT_TRAINEESHIP}
# The specifications for which IIA v7 requires at least one recommended language.
LANGUAGE_REQUIRED = {MobilityType.STUDENT_STUDIES, MobilityType.STAFF_TEACHING}
PLACEHOLDER_HASH = "0" * 64


@dataclass(frozen=True)
class Problem:
    """Something that keeps an export from being offered, in words, with the admin page and field that fix it."""

    message: str
    url: str = ""


@dataclass(frozen=True)
class Export:
    document: bytes
    problems: list[Problem]

    @property
    def is_valid(self) -> bool:
        return not self.problems


def our_iia_id(agreement: Agreement) -> str:
    """The iia-id by which partners know our agreement: stable for its whole life."""
    return f"kopir-{agreement.pk}"


def admin_field(obj, field: str, *, prefix: str = "") -> str:
    """The admin page of obj, scrolled to the field (an inline's prefix such as "conditions-0")."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return f"{url}#id_{prefix + '-' if prefix else ''}{field}"


def home_admin_field(field: str) -> str:
    home = HomeInstitution.objects.current()
    if home is None:
        return reverse("admin:config_homeinstitution_add")
    return admin_field(home, field)


def exportable(queryset=None):
    """The agreements that have conditions to exchange, with what their export reads."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    return (
        queryset.filter(conditions__isnull=False)
        .distinct()
        .select_related("home_unit", "partner_signing_contact")
        .prefetch_related(
            "partners",
            "partner_units",
            "conditions__fields_of_education",
            "conditions__sending_partner",
            "conditions__receiving_partner",
            "conditions__sending_unit",
            "conditions__receiving_unit",
        )
    )


def _text(parent, tag, value, **attributes):
    element = etree.SubElement(parent, tag, **attributes)
    element.text = str(value)
    return element


def _contact(parent, tag, *, name, email=""):
    contact = etree.SubElement(parent, tag)
    _text(contact, f"{{{CONTACT_NS}}}contact-name", name)
    if email:
        _text(contact, f"{{{CONTACT_NS}}}email", email)


class _Builder:
    def __init__(self, agreement: Agreement, home: HomeInstitution | None):
        self.agreement = agreement
        self.home = home
        self.problems: list[Problem] = []
        self.partners = list(agreement.partners.all())
        self.partner = self.partners[0] if len(self.partners) == 1 else None

    def problem(self, message, url=""):
        self.problems.append(Problem(str(message), url))

    def check_institutions(self):
        agreement = self.agreement
        if len(self.partners) != 1:
            self.problem(
                ngettext(
                    "An EWP agreement is between two institutions: ours and one partner; this agreement has "
                    "%(count)d partner.",
                    "An EWP agreement is between two institutions: ours and one partner; this agreement has "
                    "%(count)d partners.",
                    len(self.partners),
                )
                % {"count": len(self.partners)},
                admin_field(agreement, "partners"),
            )
        if self.home is None or not self.home.hei_id:
            self.problem(_("Our university has no SCHAC code (EWP HEI ID)."), home_admin_field("hei_id"))
        if self.partner and not self.partner.hei_id:
            self.problem(
                _("The partner «%(partner)s» has no SCHAC code (EWP HEI ID).") % {"partner": self.partner},
                admin_field(self.partner, "hei_id"),
            )
        if agreement.home_unit and not agreement.home_unit.code:
            self.problem(
                _("Our unit «%(unit)s» has no EWP unit code.") % {"unit": agreement.home_unit.name},
                admin_field(agreement.home_unit, "code"),
            )

    def hei_id(self, partner) -> str:
        if partner is None:
            return self.home.hei_id if self.home else ""
        return partner.hei_id

    def partner_element(self, iia, *, hei_id, unit, iia_id, signatory, email):
        partner = etree.SubElement(iia, f"{{{NS}}}partner")
        _text(partner, f"{{{NS}}}hei-id", hei_id)
        if unit is not None and unit.code:
            _text(partner, f"{{{NS}}}ounit-id", unit.code)
        if iia_id:
            _text(partner, f"{{{NS}}}iia-id", iia_id)
        if self.agreement.reference_number and iia_id:
            _text(partner, f"{{{NS}}}iia-code", self.agreement.reference_number)
        if signatory:
            _contact(partner, f"{{{NS}}}signing-contact", name=signatory, email=email)
        if self.agreement.signed_on:
            _text(partner, f"{{{NS}}}signing-date", self.agreement.signed_on.isoformat())

    def condition_element(self, parent, condition, index):
        spec = etree.SubElement(parent, f"{{{NS}}}{SPECS[condition.mobility_type]}")
        field = {"prefix": f"conditions-{index}"}
        for side in ("sending", "receiving"):
            partner, unit = getattr(condition, f"{side}_partner"), getattr(condition, f"{side}_unit")
            _text(spec, f"{{{NS}}}{side}-hei-id", self.hei_id(partner))
            if unit is not None and unit.code:
                _text(spec, f"{{{NS}}}{side}-ounit-id", unit.code)
            elif unit is not None and unit.partner_id is None:
                self.problem(
                    _("Our unit «%(unit)s» has no EWP unit code.") % {"unit": unit.name}, admin_field(unit, "code")
                )
            if partner is not None and self.partner is not None and partner.pk != self.partner.pk:
                self.problem(
                    _("A condition names «%(partner)s», which is not the agreement's partner.") % {"partner": partner},
                    admin_field(self.agreement, f"{side}_partner", **field),
                )
        first, last = condition.academic_year_from, condition.academic_year_to
        _text(spec, f"{{{NS}}}receiving-first-academic-year-id", first)
        _text(spec, f"{{{NS}}}receiving-last-academic-year-id", last)
        _text(spec, f"{{{NS}}}mobilities-per-year", condition.places_per_year)
        if condition.language:
            skill = etree.SubElement(spec, f"{{{NS}}}recommended-language-skill")
            _text(skill, f"{{{NS}}}language", condition.language)
            if condition.cefr_level:
                _text(skill, f"{{{NS}}}cefr-level", condition.cefr_level)
        elif condition.mobility_type in LANGUAGE_REQUIRED:
            self.problem(
                _("A condition has no language for %(type)s (%(years)s).")
                % {"type": condition.get_mobility_type_display().lower(), "years": f"{first}–{last}"},
                admin_field(self.agreement, "language", **field),
            )
        for isced in condition.fields_of_education.all():
            area = etree.SubElement(spec, f"{{{NS}}}subject-area")
            _text(area, f"{{{NS}}}isced-f-code", isced.code)
            if isced.name_en or isced.name:
                _text(area, f"{{{NS}}}isced-clarification", isced.name_en or isced.name)
        if condition.other_terms_en or condition.other_terms:
            _text(spec, f"{{{NS}}}other-info-terms", condition.other_terms_en or condition.other_terms)
        if condition.mobility_type in STUDENT_SPECS:
            if condition.total_months_per_year:
                _text(spec, f"{{{NS}}}total-months-per-year", f"{condition.total_months_per_year.normalize():f}")
            _text(spec, f"{{{NS}}}blended", "true" if condition.is_blended else "false")
            for level in sorted(condition.eqf_levels or []):
                _text(spec, f"{{{NS}}}eqf-level", level)
        elif condition.total_days_per_year:
            _text(spec, f"{{{NS}}}total-days-per-year", condition.total_days_per_year)

    def iia_element(self, parent):
        agreement = self.agreement
        iia = etree.SubElement(parent, f"{{{NS}}}iia")
        self.partner_element(
            iia,
            hei_id=self.hei_id(None),
            unit=agreement.home_unit,
            iia_id=our_iia_id(agreement),
            signatory=agreement.home_signatory,
            email="",
        )
        partner_units = [unit for unit in agreement.partner_units.all() if unit.code]
        contact = agreement.partner_signing_contact
        self.partner_element(
            iia,
            hei_id=self.partner.hei_id if self.partner else "",
            unit=partner_units[0] if len(partner_units) == 1 else None,
            iia_id="",
            signatory=(contact.latin_name or contact.name) if contact else agreement.partner_signatory,
            email=contact.email if contact else "",
        )
        _text(iia, f"{{{NS}}}in-effect", "true" if agreement.status == Agreement.Status.ACTIVE else "false")
        conditions = etree.SubElement(iia, f"{{{NS}}}cooperation-conditions")
        # The admin's inline lists the conditions in the model's order: its form prefixes follow that order.
        indexed = list(enumerate(agreement.conditions.all()))
        for mobility_type in SPECS:
            for index, condition in indexed:
                if condition.mobility_type == mobility_type:
                    self.condition_element(conditions, condition, index)
        if not any(condition.mobility_type in SPECS for _index, condition in indexed):
            self.problem(
                _("The agreement has no cooperation condition that EWP can carry."),
                admin_field(agreement, "mobility_type", prefix="conditions-0"),
            )
        _text(iia, f"{{{NS}}}iia-hash", PLACEHOLDER_HASH)
        return iia


def _root(tag):
    return etree.Element(tag, nsmap={None: NS, "c": CONTACT_NS})


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def build_iia(agreement: Agreement, *, home: HomeInstitution | None = None) -> Export:
    """The agreement as an `iias-get-response` with its iia-hash, and every problem that keeps it from being
    offered: missing data in words (with a link to the field), then whatever the IIA v7 schema still finds."""
    home = home if home is not None else HomeInstitution.objects.current()
    builder = _Builder(agreement, home)
    builder.check_institutions()
    root = _root(f"{{{NS}}}iias-get-response")
    iia = builder.iia_element(root)
    # The placeholder has the hash's length, so the hashed document and the offered one differ in that text only.
    iia.find(f"{{{NS}}}iia-hash").text = iia_hash(_serialise(root))
    document = _serialise(root)
    problems = list(builder.problems)
    if not problems:
        problems += [
            Problem(_("The document does not match the IIA v7 schema: %(error)s") % {"error": error})
            for error in schema_errors(document, "iias-get")
        ]
    return Export(document, problems)


def build_iias_response(agreements, *, home: HomeInstitution | None = None) -> bytes:
    """One `iias-get-response` with every given agreement (each already built and valid)."""
    home = home if home is not None else HomeInstitution.objects.current()
    root = _root(f"{{{NS}}}iias-get-response")
    for agreement in agreements:
        single = etree.fromstring(build_iia(agreement, home=home).document)
        root.extend(single)
    return _serialise(root)


def build_iias_index(agreements) -> bytes:
    root = etree.Element(f"{{{INDEX_NS}}}iias-index-response", nsmap={None: INDEX_NS})
    for agreement in agreements:
        _text(root, f"{{{INDEX_NS}}}iia-id", our_iia_id(agreement))
    return _serialise(root)
