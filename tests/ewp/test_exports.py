import pytest
from lxml import etree

from ewp import iia, institution
from ewp.hashing import hash_iias
from ewp.validation import schema_errors
from partnerships.models import CooperationCondition

NS = {"i": iia.NS, "c": iia.CONTACT_NS}


def test_every_export_of_the_demo_validates_against_the_schemas(xju_demo):
    agreements = list(iia.exportable())
    assert agreements == [xju_demo]
    exports = {
        "iias-get": [iia.build_iia(agreement) for agreement in agreements],
        "institutions": [institution.build_institutions()],
        "ounits": [institution.build_ounits()],
        "factsheet": [institution.build_factsheet()],
    }
    for schema, documents in exports.items():
        for export in documents:
            assert export.problems == [], schema
            assert schema_errors(export.document, schema) == [], schema
    assert schema_errors(iia.build_iias_index(agreements), "iias-index") == []
    assert schema_errors(iia.build_iias_response(agreements), "iias-get") == []


def test_the_agreement_export_carries_both_partners_and_each_condition(xju_demo):
    document = etree.fromstring(iia.build_iia(xju_demo).document)
    home, partner = document.findall("i:iia/i:partner", NS)
    assert home.findtext("i:hei-id", namespaces=NS) == "auezov.edu.kz"
    assert home.findtext("i:ounit-id", namespaces=NS) == "ICO"
    assert home.findtext("i:iia-id", namespaces=NS) == iia.our_iia_id(xju_demo)
    assert home.findtext("i:signing-date", namespaces=NS) == "2025-10-31"
    assert partner.findtext("i:hei-id", namespaces=NS) == "xju.edu.cn"
    assert partner.findtext("i:signing-contact/c:contact-name", namespaces=NS) == "Jin Gang"
    assert document.findtext("i:iia/i:in-effect", namespaces=NS) == "true"
    studies = document.findall("i:iia/i:cooperation-conditions/i:student-studies-mobility-spec", NS)
    teaching = document.findall("i:iia/i:cooperation-conditions/i:staff-teacher-mobility-spec", NS)
    assert len(studies) == len(teaching) == 2
    outgoing = next(spec for spec in studies if spec.findtext("i:sending-hei-id", namespaces=NS) == "auezov.edu.kz")
    assert outgoing.findtext("i:receiving-hei-id", namespaces=NS) == "xju.edu.cn"
    assert outgoing.findtext("i:receiving-first-academic-year-id", namespaces=NS) == "2026/2027"
    assert outgoing.findtext("i:receiving-last-academic-year-id", namespaces=NS) == "2029/2030"
    assert outgoing.findtext("i:mobilities-per-year", namespaces=NS) == "5"
    assert outgoing.findtext("i:recommended-language-skill/i:language", namespaces=NS) == "zh"
    assert outgoing.findtext("i:recommended-language-skill/i:cefr-level", namespaces=NS) == "B1"
    assert [code.text for code in outgoing.findall("i:subject-area/i:isced-f-code", NS)] == ["0231", "0711"]
    assert outgoing.findtext("i:total-months-per-year", namespaces=NS) == "10"
    assert outgoing.findtext("i:blended", namespaces=NS) == "false"
    assert [level.text for level in outgoing.findall("i:eqf-level", NS)] == ["6", "7"]
    assert teaching[0].findtext("i:total-days-per-year", namespaces=NS) == "10"


def test_the_agreement_export_states_its_own_iia_hash(xju_demo):
    document = iia.build_iia(xju_demo).document
    stated = etree.fromstring(document).findtext("i:iia/i:iia-hash", namespaces=NS)
    assert hash_iias(document)[0].iia_hash == stated
    CooperationCondition.objects.filter(agreement=xju_demo).update(places_per_year=3)
    assert etree.fromstring(iia.build_iia(xju_demo).document).findtext("i:iia/i:iia-hash", namespaces=NS) != stated


def test_institutions_and_ounits_name_the_university_in_all_four_languages(xju_demo):
    ns = {"h": institution.INSTITUTIONS_NS, "o": institution.OUNITS_NS}
    hei = etree.fromstring(institution.build_institutions().document).find("h:hei", ns)
    names = {name.get(iia.XML_LANG): name.text for name in hei.findall("h:name", ns)}
    assert names == {
        "en": "M. Auezov South Kazakhstan University",
        "ru": "Южно-Казахстанский университет имени М. Ауэзова",
        "kk": "М. Әуезов атындағы Оңтүстік Қазақстан университеті",
        "zh-Hans": "奥埃佐夫南哈萨克斯坦大学",
    }
    ounits = etree.fromstring(institution.build_ounits().document).findall("o:ounit", ns)
    department = next(unit for unit in ounits if unit.findtext("o:ounit-id", namespaces=ns) == "FIT-IS")
    assert department.findtext("o:parent-ounit-id", namespaces=ns) == "FIT"
    assert len(department.findall("o:name", ns)) == 4


def test_the_factsheet_gives_the_calendar_and_the_pages_in_every_language(xju_demo):
    ns = {"f": institution.FACTSHEET_NS}
    sheet = etree.fromstring(institution.build_factsheet().document).find("f:factsheet", ns)
    assert sheet.findtext("f:calendar/f:student-nominations/f:autumn-term", namespaces=ns) == "--05-15"
    pages = sheet.findall("f:housing-info/f:website-url", ns)
    assert {page.get(iia.XML_LANG) for page in pages} == {"en", "ru", "kk", "zh-Hans"}
    assert sheet.findtext("f:additional-requirement/f:name", namespaces=ns) == "Language"


def test_a_second_factsheet_is_refused_in_words(xju_demo):
    from django.core.exceptions import ValidationError

    from config.models import Factsheet

    with pytest.raises(ValidationError) as refused:
        Factsheet().clean()

    assert refused.value.messages == ["The factsheet is already recorded; change that record instead."]
