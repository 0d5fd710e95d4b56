"""Importing a partner's copy of an agreement: reading, matching, comparing and the approval state."""

import dataclasses
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from ewp import partner_copy
from ewp.models import PartnerCopy
from partnerships.models import CooperationCondition
from partnerships.services import add_cooperation_condition
from tests.factories import AgreementFactory
from tests.helpers import iia_document

pytestmark = pytest.mark.django_db

Approval = PartnerCopy.Approval


def example() -> bytes:
    return (settings.EWP_SCHEMAS_DIR / "iias-v7" / "get-response-example.xml").read_bytes()


def mirror(agreement, **changes):
    """The partner's copy of `agreement` with our conditions exactly, as their system would send it."""
    return iia_document(partner_copy.our_conditions(agreement), **changes)


def changed(agreement, index, **fields):
    conditions = partner_copy.our_conditions(agreement)
    conditions[index] = dataclasses.replace(conditions[index], **fields)
    return conditions


def test_the_published_example_reads_as_five_conditions_seen_from_the_partner():
    document = partner_copy.read_document(example())

    conditions = partner_copy.partner_conditions(document, partner_hei_id="uw.edu.pl")

    assert [(entry.hei_id, entry.iia_id) for entry in document.partners] == [
        ("uw.edu.pl", "0f7a5682-faf7-49a7-9cc7-ec486c49a281"),
        ("hibo.no", "1954991"),
    ]
    assert document.iia_hash == "e950faa83a799cf45839e7915db88ed51575babe7845c1219dfde54ce30a61e4"
    studies = conditions[0]
    assert studies == partner_copy.Condition(
        mobility_type=CooperationCondition.MobilityType.STUDENT_STUDIES,
        direction=partner_copy.IN,  # uw.edu.pl sends: from the partner to us
        first_year="2014/2015",
        last_year="2020/2021",
        places=2,
        months=Decimal(5),
        days=None,
        isced=("0314",),
        eqf=(7, 8),
        languages=("en B1", "no B1"),
        blended=False,
    )
    assert [(c.mobility_type, c.direction, c.days) for c in conditions[2:]] == [
        ("staff_teaching", "in", 8),
        ("staff_teaching", "out", 14),
        ("staff_training", "out", 14),
    ]


def test_values_not_yet_defined_in_a_copy_from_before_v7_count_as_missing():
    data = example().replace(
        b"<mobilities-per-year>2</mobilities-per-year>",
        b'<mobilities-per-year not-yet-defined="true">1</mobilities-per-year>',
        1,
    )
    data = data.replace(b"<recommended-language-skill>", b'<recommended-language-skill not-yet-defined="true">', 1)

    studies = partner_copy.partner_conditions(partner_copy.read_document(data), partner_hei_id="uw.edu.pl")[0]

    assert (studies.places, studies.languages) == (None, ("no B1",))
    assert studies.shown("places") == "—"


def test_a_generated_copy_follows_the_official_schema(mou):
    document = partner_copy.read_document(mirror(mou))

    assert len(document.specs) == 4


def test_a_copy_of_our_own_conditions_shows_no_difference(mou, office):
    copy = partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)

    rows = partner_copy.comparison(copy)

    assert [(row.mobility_type, row.direction) for row in rows] == [
        ("student_studies", "out"),
        ("student_studies", "in"),
        ("staff_teaching", "out"),
        ("staff_teaching", "in"),
    ]
    assert partner_copy.difference_count(rows) == 0
    assert (copy.agreement, copy.partner_hei_id, copy.partner_iia_id) == (mou, "xju.edu.cn", "XJU-2025-17")
    assert copy.approval == Approval.NONE


def test_one_changed_condition_shows_exactly_that_difference(mou, office):
    conditions = changed(mou, 1, places=7)  # the partner sends seven students instead of five
    copy = partner_copy.import_partner_copy(iia_document(conditions), by=office, agreement=mou)

    rows = partner_copy.comparison(copy)

    found = [(row.title, cell.label, cell.ours, cell.theirs) for row in rows for cell in row.differences]
    assert found == [("Student mobility for studies, from the partner to us", "places per year", "5", "7")]
    assert partner_copy.difference_count(rows) == 1
    assert all(row.ours and row.theirs for row in rows)


@pytest.mark.parametrize(
    ("fields", "label", "ours", "theirs"),
    [
        ({"first_year": "2027/2028"}, "academic years", "2026/2027–2029/2030", "2027/2028–2029/2030"),
        ({"months": Decimal("9.5")}, "total months per year", "10", "9.5"),
        ({"isced": ("0231",)}, "fields of education (ISCED-F)", "0231, 0711", "0231"),
        ({"eqf": (6, 7, 8)}, "EQF levels", "6, 7", "6, 7, 8"),
        ({"languages": ("zh B2",)}, "recommended languages (CEFR)", "zh B1", "zh B2"),
        ({"blended": True}, "blended mobility", "no", "yes"),
    ],
)
def test_each_field_of_a_condition_is_compared(mou, office, fields, label, ours, theirs):
    copy = partner_copy.import_partner_copy(iia_document(changed(mou, 0, **fields)), by=office, agreement=mou)

    rows = partner_copy.comparison(copy)

    assert [(cell.label, cell.ours, cell.theirs) for row in rows for cell in row.differences] == [(label, ours, theirs)]


def test_staff_days_are_compared(mou, office):
    conditions = changed(mou, 3, days=12)
    copy = partner_copy.import_partner_copy(iia_document(conditions), by=office, agreement=mou)

    rows = partner_copy.comparison(copy)

    assert [(row.mobility_type, row.direction, cell.ours, cell.theirs) for row in rows for cell in row.differences] == [
        ("staff_teaching", "in", "10", "12")
    ]


def test_missing_and_extra_conditions_show_as_only_in_one_copy(mou, office):
    conditions = partner_copy.our_conditions(mou)
    teaching_in = conditions.pop(3)
    traineeship = dataclasses.replace(
        conditions[0], mobility_type=CooperationCondition.MobilityType.STUDENT_TRAINEESHIP, eqf=()
    )
    copy = partner_copy.import_partner_copy(iia_document([*conditions, traineeship]), by=office, agreement=mou)

    rows = partner_copy.comparison(copy)

    assert [(row.mobility_type, row.direction, row.state) for row in rows if not (row.ours and row.theirs)] == [
        ("student_traineeship", "out", "Only in the partner's copy"),
        ("staff_teaching", "in", "Only in our copy"),
    ]
    assert partner_copy.difference_count(rows) == 2
    assert teaching_in.days == 10
    assert all(not row.differences for row in rows)


def test_a_change_on_our_side_shows_in_the_comparison_at_once(mou, office):
    copy = partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)
    condition = mou.conditions.get(mobility_type="staff_teaching", sending_partner__isnull=True)
    condition.places_per_year = 3
    condition.save()

    rows = partner_copy.comparison(copy)

    assert [(cell.ours, cell.theirs) for row in rows for cell in row.differences] == [("3", "2")]


# ---------------------------------------------------------------- matching


def test_the_next_copy_is_matched_by_the_partners_ids_of_the_first(mou, office):
    first = partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)

    again = partner_copy.import_partner_copy(iia_document(changed(mou, 0, places=6)), by=office)

    assert again.pk == first.pk
    assert PartnerCopy.objects.count() == 1
    assert partner_copy.difference_count(partner_copy.comparison(again)) == 1
    assert again.history.count() == 2  # each import is kept


def test_a_copy_that_names_our_agreement_id_is_matched_without_choosing(mou, office):
    AgreementFactory()  # another agreement, so the match is not by chance

    copy = partner_copy.import_partner_copy(mirror(mou, home_iia_id=partner_copy.our_iia_id(mou)), by=office)

    assert copy.agreement == mou
    assert copy.partner_hei_id == "xju.edu.cn"


def test_our_id_counts_only_in_our_universitys_entry(mou, office):
    # The partner's own id happens to look like one of ours: it matches nothing.
    document = mirror(mou, partner_iia_id=partner_copy.our_iia_id(mou), home_iia_id="kopir-none")

    with pytest.raises(ValidationError) as refused:
        partner_copy.import_partner_copy(document, by=office)

    assert refused.value.code == "unknown_agreement"
    assert not PartnerCopy.objects.exists()


def test_a_copy_of_another_agreement_than_the_chosen_one_is_refused(mou, office):
    partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)
    other = AgreementFactory()

    with pytest.raises(ValidationError) as refused:
        partner_copy.import_partner_copy(mirror(mou), by=office, agreement=other)

    assert refused.value.code == "other_agreement"


def test_a_chosen_agreement_with_neither_institution_is_refused(mou, office):
    with pytest.raises(ValidationError) as refused:
        partner_copy.import_partner_copy(example(), by=office, agreement=mou)

    assert refused.value.code == "unknown_partner"
    assert "uw.edu.pl, hibo.no" in refused.value.messages[0]


def test_a_partner_entry_without_an_id_is_refused(mou, office):
    with pytest.raises(ValidationError) as refused:
        partner_copy.import_partner_copy(mirror(mou, partner_iia_id=None), by=office, agreement=mou)

    assert refused.value.code == "no_partner_id"


# ---------------------------------------------------------------- bad documents


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.4 not a partner's copy", "not_xml"),
        (b"<iia>unclosed", "not_xml"),
        (b"<?xml version='1.0'?><agreement><partner/></agreement>", "invalid"),
        (b"", "not_xml"),
        (b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", "invalid"),
    ],
)
def test_a_file_that_is_no_agreement_is_refused_with_the_reason(content, code):
    with pytest.raises(ValidationError) as refused:
        partner_copy.read_document(content)

    assert refused.value.code == code


def test_a_document_against_the_schema_names_the_line_and_element(mou):
    document = mirror(mou).replace(b"<mobilities-per-year>5<", b"<mobilities-per-year>none<", 1)

    with pytest.raises(ValidationError) as refused:
        partner_copy.read_document(document)

    assert refused.value.code == "invalid"
    assert "mobilities-per-year" in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as refused:
        partner_copy.read_document(b" " * (partner_copy.MAX_BYTES + 1))

    assert refused.value.code == "too_large"


# ---------------------------------------------------------------- approval


def test_approval_moves_from_neither_to_both_and_the_history_says_so(mou, office):
    copy = partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)

    copy = partner_copy.approve_partner_copy(copy, by=office)
    assert copy.approval == Approval.OURS
    assert copy.approved_hash == "ab" * 32

    copy = partner_copy.record_partner_approval(copy, by=office)
    assert copy.approval == Approval.BOTH

    copy = partner_copy.withdraw_partner_approval(copy, by=office)
    assert copy.approval == Approval.OURS
    reasons = list(copy.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[1:] == [
        "Approved by us. Approval: Approved by neither side → Approved by us only.",
        "The partner's approval recorded. Approval: Approved by us only → Approved by both sides.",
        "The partner's approval withdrawn. Approval: Approved by both sides → Approved by us only.",
    ]


def test_the_partners_approval_alone_is_theirs_only(mou, office):
    copy = partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)

    assert partner_copy.record_partner_approval(copy, by=office).approval == Approval.THEIRS


def test_a_new_copy_with_another_hash_ends_our_approval(mou, office):
    copy = partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou)
    partner_copy.record_partner_approval(partner_copy.approve_partner_copy(copy, by=office), by=office)

    copy = partner_copy.import_partner_copy(mirror(mou, iia_hash="cd" * 32), by=office)

    assert copy.approval == Approval.THEIRS
    assert copy.history.first().history_change_reason == (
        "Imported. Approval: Approved by both sides → Approved by the partner only."
    )


def test_the_same_copy_again_keeps_our_approval(mou, office):
    copy = partner_copy.approve_partner_copy(
        partner_copy.import_partner_copy(mirror(mou), by=office, agreement=mou), by=office
    )

    copy = partner_copy.import_partner_copy(mirror(mou), by=office)

    assert copy.approval == Approval.OURS


def test_a_copy_that_differs_cannot_be_approved(mou, office):
    copy = partner_copy.import_partner_copy(iia_document(changed(mou, 0, places=9)), by=office, agreement=mou)

    with pytest.raises(ValidationError) as refused:
        partner_copy.approve_partner_copy(copy, by=office)

    assert refused.value.messages == ["The partner's copy differs from ours in 1 place: agree on the conditions first."]
    copy.refresh_from_db()
    assert copy.approval == Approval.NONE


def test_a_multi_partner_agreement_compares_only_the_conditions_with_that_partner(mou, office):
    other = mou.partners.create(slug="other-university", name="Other University", name_en="Other University")
    add_cooperation_condition(
        mou,
        mobility_type="staff_training",
        sending=None,
        receiving=other,
        values={"academic_year_from": "2026/2027", "academic_year_to": "2027/2028", "places_per_year": 1},
        by=office,
    )
    copy = partner_copy.import_partner_copy(
        iia_document(partner_copy.our_conditions(mou, partner=mou.partners.get(slug="xinjiang-university"))),
        by=office,
        agreement=mou,
    )

    assert partner_copy.difference_count(partner_copy.comparison(copy)) == 0
