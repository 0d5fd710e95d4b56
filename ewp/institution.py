"""The home university as EWP sees it: Institutions v2, OUnits v2 and Factsheet v1.2 responses."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from lxml import etree

from config.models import Factsheet, HomeInstitution
from partnerships.models import Unit

from .iia import XML_LANG, Export, Problem, _text, admin_field, home_admin_field
from .validation import schema_errors

INSTITUTIONS_NS = "https://github.com/erasmus-without-paper/ewp-specs-api-institutions/tree/stable-v2"
OUNITS_NS = "https://github.com/erasmus-without-paper/ewp-specs-api-ounits/tree/stable-v2"
FACTSHEET_NS = "https://github.com/erasmus-without-paper/ewp-specs-api-factsheet/tree/stable-v1"
ADDRESS_NS = "https://github.com/erasmus-without-paper/ewp-specs-types-address/tree/stable-v1"
PHONE_NS = "https://github.com/erasmus-without-paper/ewp-specs-types-phonenumber/tree/stable-v1"


def languages():
    """(column suffix, xml:lang) of every language of the portal: zh_hans is written zh-Hans in XML."""
    return [(code.replace("-", "_"), "zh-Hans" if code == "zh-hans" else code) for code, _name in settings.LANGUAGES]


def _names(parent, tag, obj, field):
    """One element per language in which obj has the field, each with its xml:lang."""
    written = 0
    for suffix, lang in languages():
        value = getattr(obj, f"{field}_{suffix}", "")
        if value:
            _text(parent, tag, value, attrib={XML_LANG: lang})
            written += 1
    return written


def _serialise(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _checked(root, schema, problems) -> Export:
    document = _serialise(root)
    if not problems:
        problems = [
            Problem(_("The document does not match the EWP schema: %(error)s") % {"error": error})
            for error in schema_errors(document, schema)
        ]
    return Export(document, problems)


def _name_problems(home):
    missing = [lang for suffix, lang in languages() if not getattr(home, f"name_{suffix}", "")]
    if not missing:
        return []
    return [
        Problem(
            _("Our university's name is missing in: %(languages)s.") % {"languages": ", ".join(missing)},
            home_admin_field("name_en"),
        )
    ]


def home_units():
    return Unit.objects.filter(partner=None).select_related("parent").order_by("name", "pk")


def unit_problems(units):
    return [
        Problem(_("Our unit «%(unit)s» has no EWP unit code.") % {"unit": unit.name}, admin_field(unit, "code"))
        for unit in units
        if not unit.code
    ]


def build_institutions(home: HomeInstitution | None = None) -> Export:
    """Our university as an `institutions-response`: its names in every language, address, site and units."""
    home = home if home is not None else HomeInstitution.objects.current()
    root = etree.Element(f"{{{INSTITUTIONS_NS}}}institutions-response", nsmap={None: INSTITUTIONS_NS, "a": ADDRESS_NS})
    if home is None:
        return Export(_serialise(root), [Problem(_("Our university is not described yet."), home_admin_field(""))])
    problems = []
    if not home.hei_id:
        problems.append(Problem(_("Our university has no SCHAC code (EWP HEI ID)."), home_admin_field("hei_id")))
    problems += _name_problems(home)
    units = list(home_units())
    problems += unit_problems(units)
    hei = etree.SubElement(root, f"{{{INSTITUTIONS_NS}}}hei")
    _text(hei, f"{{{INSTITUTIONS_NS}}}hei-id", home.hei_id)
    _names(hei, f"{{{INSTITUTIONS_NS}}}name", home, "name")
    if home.short_name_en or home.short_name:
        _text(hei, f"{{{INSTITUTIONS_NS}}}abbreviation", home.short_name_en or home.short_name)
    if home.address_en or home.city_en:
        address = etree.SubElement(hei, f"{{{ADDRESS_NS}}}street-address")
        if home.address_en:
            _text(address, f"{{{ADDRESS_NS}}}addressLine", home.address_en)
        if home.postcode:
            _text(address, f"{{{ADDRESS_NS}}}postalCode", home.postcode)
        if home.city_en:
            _text(address, f"{{{ADDRESS_NS}}}locality", home.city_en)
        _text(address, f"{{{ADDRESS_NS}}}country", str(home.country))
    if home.website:
        _text(hei, f"{{{INSTITUTIONS_NS}}}website-url", home.website)
    for unit in units:
        if unit.code:
            _text(hei, f"{{{INSTITUTIONS_NS}}}ounit-id", unit.code)
    return _checked(root, "institutions", problems)


def build_ounits(units=None) -> Export:
    """Our organisational units as an `ounits-response`: code, names in every language, parent unit."""
    units = list(home_units() if units is None else units)
    root = etree.Element(f"{{{OUNITS_NS}}}ounits-response", nsmap={None: OUNITS_NS})
    problems = unit_problems(units)
    for unit in units:
        ounit = etree.SubElement(root, f"{{{OUNITS_NS}}}ounit")
        _text(ounit, f"{{{OUNITS_NS}}}ounit-id", unit.code)
        _text(ounit, f"{{{OUNITS_NS}}}ounit-code", unit.code)
        if not _names(ounit, f"{{{OUNITS_NS}}}name", unit, "name"):
            _text(ounit, f"{{{OUNITS_NS}}}name", unit.name)
        if unit.short_name:
            _text(ounit, f"{{{OUNITS_NS}}}abbreviation", unit.short_name)
        if unit.parent is not None and unit.parent.code:
            _text(ounit, f"{{{OUNITS_NS}}}parent-ounit-id", unit.parent.code)
    return _checked(root, "ounits", problems)


def factsheet_admin_field(field: str) -> str:
    factsheet = Factsheet.objects.current()
    if factsheet is None:
        return reverse("admin:config_factsheet_add")
    return admin_field(factsheet, field)


def _information(parent, tag, factsheet, topic):
    entry = etree.SubElement(parent, f"{{{FACTSHEET_NS}}}{tag}")
    _text(entry, f"{{{FACTSHEET_NS}}}email", getattr(factsheet, f"{topic}_email"))
    phone = etree.SubElement(entry, f"{{{PHONE_NS}}}phone-number")
    _text(phone, f"{{{PHONE_NS}}}e164", getattr(factsheet, f"{topic}_phone"))
    if not _names(entry, f"{{{FACTSHEET_NS}}}website-url", factsheet, f"{topic}_url"):
        _text(entry, f"{{{FACTSHEET_NS}}}website-url", getattr(factsheet, f"{topic}_url"))


def build_factsheet(home: HomeInstitution | None = None, factsheet: Factsheet | None = None) -> Export:
    """Our factsheet as a `factsheet-response`: deadlines, decision and transcript delays, application info with
    the additional requirements, housing, visa and insurance info (web pages in every language)."""
    home = home if home is not None else HomeInstitution.objects.current()
    factsheet = factsheet if factsheet is not None else Factsheet.objects.current()
    root = etree.Element(f"{{{FACTSHEET_NS}}}factsheet-response", nsmap={None: FACTSHEET_NS, "p": PHONE_NS})
    problems = []
    if home is None or not home.hei_id:
        problems.append(Problem(_("Our university has no SCHAC code (EWP HEI ID)."), home_admin_field("hei_id")))
    if factsheet is None:
        problems.append(Problem(_("The factsheet is not written yet."), factsheet_admin_field("")))
        return Export(_serialise(root), problems)
    sheet = etree.SubElement(root, f"{{{FACTSHEET_NS}}}factsheet")
    _text(sheet, f"{{{FACTSHEET_NS}}}hei-id", home.hei_id if home else "")
    calendar = etree.SubElement(sheet, f"{{{FACTSHEET_NS}}}calendar")
    for tag, topic in (("student-nominations", "nominations"), ("student-applications", "applications")):
        entry = etree.SubElement(calendar, f"{{{FACTSHEET_NS}}}{tag}")
        _text(entry, f"{{{FACTSHEET_NS}}}autumn-term", f"--{getattr(factsheet, f'{topic}_autumn')}")
        _text(entry, f"{{{FACTSHEET_NS}}}spring-term", f"--{getattr(factsheet, f'{topic}_spring')}")
    _information(sheet, "application-info", factsheet, "application")
    for name, details in factsheet.requirement_lines():
        requirement = etree.SubElement(sheet, f"{{{FACTSHEET_NS}}}additional-requirement")
        _text(requirement, f"{{{FACTSHEET_NS}}}name", name)
        _text(requirement, f"{{{FACTSHEET_NS}}}details", details)
    _text(sheet, f"{{{FACTSHEET_NS}}}decision-weeks-limit", factsheet.decision_weeks)
    _text(sheet, f"{{{FACTSHEET_NS}}}tor-weeks-limit", factsheet.transcript_weeks)
    for tag, topic in (("housing-info", "housing"), ("visa-info", "visa"), ("insurance-info", "insurance")):
        _information(sheet, tag, factsheet, topic)
    return _checked(root, "factsheet", problems)
