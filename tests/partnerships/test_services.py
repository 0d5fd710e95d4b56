import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mobility.models import Mobility
from partnerships import services
from partnerships.models import (
    Agreement,
    Campus,
    Contact,
    CooperationCondition,
    Partner,
    PartnerDomain,
    ResearchProject,
    Unit,
)
from tests.factories import (
    AgreementFactory,
    ApplicationFactory,
    CallFactory,
    JointProgramFactory,
    PartnerFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def test_an_agreement_goes_from_draft_to_active_and_every_step_is_recorded():
    agreement, staff = AgreementFactory(), StaffFactory()

    services.change_agreement_status(agreement, to="negotiation", by=staff, comment="Draft sent to XJU")
    services.change_agreement_status(agreement, to="awaiting_signature", by=staff)
    agreement = services.change_agreement_status(
        agreement, to="active", by=staff, signed_on=datetime.date(2025, 10, 31)
    )

    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.valid_from == datetime.date(2025, 10, 31)
    steps = list(agreement.transitions.order_by("at").values_list("from_status", "to_status", "by", "comment"))
    assert steps == [
        ("draft", "negotiation", staff.pk, "Draft sent to XJU"),
        ("negotiation", "awaiting_signature", staff.pk, ""),
        ("awaiting_signature", "active", staff.pk, ""),
    ]


def test_an_agreement_cannot_skip_its_signature():
    agreement = AgreementFactory()

    with pytest.raises(ValidationError, match="cannot become"):
        services.change_agreement_status(agreement, to="active", by=StaffFactory())

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT
    assert not agreement.transitions.exists()


def test_activating_needs_the_signing_date():
    agreement = AgreementFactory(status=Agreement.Status.AWAITING_SIGNATURE)

    with pytest.raises(ValidationError, match="signed"):
        services.change_agreement_status(agreement, to="active", by=StaffFactory())


def test_terminating_needs_a_reason_and_ends_the_lifecycle():
    agreement = AgreementFactory(
        status=Agreement.Status.ACTIVE, signed_on=datetime.date(2025, 1, 1), valid_from=datetime.date(2025, 1, 1)
    )
    staff = StaffFactory()

    with pytest.raises(ValidationError, match="why"):
        services.change_agreement_status(agreement, to="terminated", by=staff)
    services.change_agreement_status(agreement, to="terminated", by=staff, comment="Partner merged")

    with pytest.raises(ValidationError):
        services.change_agreement_status(agreement, to="active", by=staff)


def record(name="Xinjiang University", code="CN", domains=("xju.edu.cn",), **extra):
    return {
        "name": name,
        "alpha_two_code": code,
        "domains": list(domains),
        "web_pages": ["https://www.xju.edu.cn/"],
    } | extra


def test_import_creates_prospective_partners_and_a_second_run_changes_nothing():
    records = [record(), record("Shihezi University", domains=["shzu.edu.cn"], **{"state-province": "Xinjiang"})]

    first = services.import_universities(records)
    second = services.import_universities(records)

    assert (first.created, first.updated, first.skipped, first.rejected) == (2, 0, 0, [])
    assert (second.created, second.updated, second.skipped) == (0, 0, 2)
    partner = Partner.objects.get(domains__domain="shzu.edu.cn")
    assert (partner.status, partner.is_public, partner.region, str(partner.country)) == (
        "prospective",
        False,
        "Xinjiang",
        "CN",
    )
    assert Partner.objects.count() == 2


def test_import_updates_a_partner_found_by_its_domain():
    services.import_universities([record()])

    report = services.import_universities([record(web_pages=["https://xju.edu.cn/en/"])])

    assert (report.created, report.updated) == (0, 1)
    assert Partner.objects.get().website == "https://xju.edu.cn/en/"


def test_import_rejects_malformed_records_with_their_reason_and_keeps_the_rest():
    records = [
        record(),
        "not a record",
        record(name=""),
        record("Nowhere University", code="QQ", domains=["nowhere.edu"]),
        record("No Mail University", domains=[]),
        record("Spaced University", domains=["bad domain.edu"]),
        record("Copy University", domains=["xju.edu.cn"]),
    ]

    report = services.import_universities(records)

    assert report.created == 1
    reasons = dict(report.rejected)
    assert set(reasons) == {2, 3, 4, 5, 6, 7}
    assert "not an object" in reasons[2]
    assert "no name" in reasons[3]
    assert "QQ" in reasons[4]
    assert "no email domain" in reasons[5]
    assert "bad domain.edu" in reasons[6]
    assert "earlier record" in reasons[7]


def test_import_works_in_bulk_not_one_query_per_record(django_assert_max_num_queries):
    records = [record(f"University {n}", domains=[f"u{n}.edu.cn"]) for n in range(1_500)]

    # A handful of queries per thousand rows on PostgreSQL; SQLite's variable limit makes smaller batches.
    with django_assert_max_num_queries(len(records) // 20):
        report = services.import_universities(records)

    assert report.created == 1_500
    assert PartnerDomain.objects.count() == 1_500


def test_import_queries_do_not_grow_with_the_records_in_a_batch():
    def queries(prefix, count):
        records = [record(f"{prefix} {n}", domains=[f"{prefix}{n}.edu.cn"]) for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            services.import_universities(records)
        return len(captured)

    queries("warm", 1)  # the page cache reads its schedule once
    assert queries("a", 20) == queries("b", services.IMPORT_BATCH)
    assert Partner.objects.count() == 1 + 20 + services.IMPORT_BATCH


def test_import_fills_the_search_text_and_english_name_and_keeps_the_history():
    office = StaffFactory()
    records = [record(**{"state-province": "Xinjiang"}), record("Shihezi University", domains=["shzu.edu.cn"])]

    services.import_universities(records, by=office)

    partner = Partner.objects.get(domains__domain="xju.edu.cn")
    assert (partner.name, partner.name_en, partner.name_ru, partner.slug) == (
        "Xinjiang University",
        "Xinjiang University",
        None,
        "xinjiang-university",
    )
    assert partner in Partner.objects.search("xju.edu")
    assert partner in Partner.objects.search("xinjiang univ")
    assert list(Partner.objects.search("shzu").values_list("slug", flat=True)) == ["shihezi-university"]
    created = partner.history.get()
    assert (created.history_type, created.history_user, created.name_en, created.region) == (
        "+",
        office,
        "Xinjiang University",
        "Xinjiang",
    )
    assert created.history_change_reason == "Imported from the world universities list"
    domain = PartnerDomain.objects.get(domain="xju.edu.cn")
    assert list(domain.history.values_list("history_type", "partner_id", "history_user")) == [
        ("+", partner.pk, office.pk)
    ]


def test_import_of_several_batches_numbers_the_slugs_of_namesakes():
    records = [record("Namesake University", domains=[f"n{n}.edu"]) for n in range(services.IMPORT_BATCH + 2)]

    report = services.import_universities(records)

    assert report.created == services.IMPORT_BATCH + 2
    slugs = set(Partner.objects.values_list("slug", flat=True))
    assert {"namesake-university", "namesake-university-2", f"namesake-university-{services.IMPORT_BATCH + 2}"} <= slugs
    assert len(slugs) == services.IMPORT_BATCH + 2
    assert PartnerDomain.objects.filter(partner__slug="namesake-university-2").get().domain == "n1.edu"


def test_import_reports_its_progress():
    seen = []

    services.import_universities(
        [record(f"U{n}", domains=[f"u{n}.cn"]) for n in range(1_200)], progress=lambda *a: seen.append(a)
    )

    assert seen == [(500, 1_200), (1_000, 1_200), (1_200, 1_200)]


@pytest.mark.parametrize("query", ["Синьцзян", "新疆", "xinjiang univ", "XINJIANG", "Шыңжаң", "xju.edu", "Daxue"])
def test_search_finds_a_partner_by_any_of_its_names(query):
    partner = PartnerFactory(
        name_en="Xinjiang University",
        name_ru="Синьцзянский университет",
        name_kk="Шыңжаң университеті",
        name_zh_hans="新疆大学",
        other_names="Xinjiang Daxue",
    )
    PartnerDomain.objects.create(partner=partner, domain="xju.edu.cn")
    services.refresh_search_text([partner])
    PartnerFactory(name_en="Shihezi University")

    assert list(Partner.objects.search(query)) == [partner]


def test_likely_duplicates_share_a_country_and_a_name_or_a_domain():
    original = PartnerFactory(name_en="Xinjiang University", name_zh_hans="新疆大学", country="CN")
    PartnerDomain.objects.create(partner=original, domain="xju.edu.cn")
    services.refresh_search_text([original])
    same_name = PartnerFactory.build(name_en="Xinjiang University", name="Xinjiang University", country="CN")
    elsewhere = PartnerFactory.build(name_en="Xinjiang University", name="Xinjiang University", country="KZ")
    other_name = PartnerFactory(name_en="Синьцзянский университет", country="RU")
    PartnerDomain.objects.create(partner=other_name, domain="mail.xju.edu.cn")

    assert list(Partner.objects.similar_to(same_name)) == [original]
    assert list(Partner.objects.similar_to(elsewhere)) == []
    assert list(Partner.objects.similar_to(other_name)) == [original]


def test_search_forgives_a_small_misspelling_on_postgresql(settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram matching is PostgreSQL's; SQLite finds exact substrings only")
    partner = PartnerFactory(name_en="Xinjiang University", name_ru="Синьцзянский университет")
    PartnerFactory(name_en="Lanzhou Jiaotong University")

    assert list(Partner.objects.search("Xinjang")) == [partner]
    assert list(Partner.objects.search("Синцзянский")) == [partner]


@pytest.mark.parametrize("ended", [Agreement.Status.EXPIRED, Agreement.Status.TERMINATED])
@pytest.mark.parametrize("target", [status for status in Agreement.Status if status not in ("expired", "terminated")])
def test_an_expired_or_terminated_agreement_never_comes_back(ended, target):
    signed = datetime.date(2025, 1, 1)
    agreement = AgreementFactory(status=ended, signed_on=signed, valid_from=signed)

    with pytest.raises(ValidationError, match="cannot become"):
        services.change_agreement_status(agreement, to=target, by=StaffFactory(), comment="Again", signed_on=signed)

    agreement.refresh_from_db()
    assert agreement.status == ended
    assert not agreement.transitions.exists()


def test_merging_partners_moves_everything_to_the_kept_one_and_records_it():
    staff = StaffFactory()
    kept = PartnerFactory(name_en="Xinjiang University", name="Xinjiang University", ror_id="")
    kept.domains.create(domain="xju.edu.cn")
    physics = UnitFactory(partner=kept, name_en="Faculty of Physics", name="Faculty of Physics")
    kept_primary = Contact.objects.create(partner=kept, name="王芳", is_primary=True)
    other = PartnerFactory(
        name_en="Xinjiang Univ.",
        name="Xinjiang Univ.",
        name_zh_hans="新疆大学",
        ror_id="059gw8r13",
        hei_id="xju.edu.cn",
    )
    other.domains.create(domain="mail.xju.edu.cn")
    twin = UnitFactory(partner=other, name_en="Faculty of physics", name="Faculty of physics")
    chemistry = UnitFactory(partner=other, name_en="Faculty of Chemistry", name="Faculty of Chemistry")
    lab = UnitFactory(partner=other, parent=twin, name_en="Laboratory of optics", name="Laboratory of optics")
    Campus.objects.create(partner=other, name="Main campus")
    other_primary = Contact.objects.create(partner=other, name="Li Wei", unit=twin, is_primary=True)
    both = AgreementFactory(partners=[kept, other])
    agreement = AgreementFactory(partners=[other])
    agreement.partner_units.set([twin])
    condition = CooperationCondition.objects.create(
        agreement=agreement,
        receiving_partner=other,
        receiving_unit=twin,
        mobility_type="student_studies",
        academic_year_from="2025/2026",
        academic_year_to="2026/2027",
        places_per_year=2,
    )
    program = JointProgramFactory(partners=[other])
    project = ResearchProject.objects.create(title="Optics")
    project.partners.set([other])
    visit = VisitFactory(partners=[other, kept])
    call = CallFactory(partners=[kept, other])
    application = ApplicationFactory(call=call, choices=[other, kept])
    mobility = Mobility.objects.create(
        participant_name="Aigerim", direction="outgoing", partner=other, mobility_type="semester",
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 1, 31),
    )  # fmt: skip
    successor = PartnerFactory()
    successor.predecessors.set([other])
    kept.predecessors.set([other])

    merged = services.merge_partners(kept, [other], by=staff)

    assert not Partner.objects.filter(pk=other.pk).exists()
    assert set(merged.domains.values_list("domain", flat=True)) == {"xju.edu.cn", "mail.xju.edu.cn"}
    assert {"Xinjiang Univ.", "新疆大学"} <= set(merged.other_names.splitlines())
    assert (merged.ror_id, merged.hei_id) == ("059gw8r13", "xju.edu.cn")
    # Units of the same name became one; what pointed to the other points to the kept unit.
    assert sorted(merged.units.values_list("name", flat=True)) == [
        "Faculty of Chemistry",
        "Faculty of Physics",
        "Laboratory of optics",
    ]
    assert not Unit.objects.filter(pk=twin.pk).exists()
    assert Unit.objects.get(pk=lab.pk).parent == physics
    assert Unit.objects.get(pk=chemistry.pk).partner == merged
    assert list(agreement.partner_units.all()) == [physics]
    condition.refresh_from_db()
    assert (condition.receiving_partner, condition.receiving_unit) == (merged, physics)
    assert merged.campuses.get().name == "Main campus"
    # One primary contact: the kept partner's.
    other_primary.refresh_from_db()
    assert (other_primary.partner, other_primary.unit, other_primary.is_primary) == (merged, physics, False)
    assert Contact.objects.get(pk=kept_primary.pk).is_primary
    assert list(both.partners.all()) == [merged]
    assert list(agreement.partners.all()) == [merged]
    assert list(program.partners.all()) == [merged]
    assert list(project.partners.all()) == [merged]
    assert list(visit.partners.all()) == [merged]
    assert list(call.partners.all()) == [merged]
    assert list(application.choices.values_list("partner", flat=True)) == [merged.pk]
    assert Mobility.objects.get(pk=mobility.pk).partner == merged
    assert list(successor.predecessors.all()) == [merged]
    assert not merged.predecessors.exists()
    assert merged.search_text.count("新疆大学") == 1
    record = merged.history.first()
    assert (record.history_user, record.history_change_reason) == (staff, "Merged with «Xinjiang Univ.»")


def test_merging_partners_moves_every_relation_the_models_have():
    """Every relation to a partner, read from the models themselves, has a row here and is moved by the merge:
    a new relation without a row here fails, and one the merge forgot (or deleted by cascade) fails too."""
    kept, other = PartnerFactory(), PartnerFactory()
    other.domains.create(domain="other.edu.cn")
    unit = UnitFactory(partner=other)
    Campus.objects.create(partner=other, name="North campus")
    Contact.objects.create(partner=other, name="Li Wei")
    agreement = AgreementFactory(partners=[other])
    for side in ("sending_partner", "receiving_partner"):
        CooperationCondition.objects.create(
            agreement=agreement, mobility_type="staff_teaching", academic_year_from="2025/2026",
            academic_year_to="2025/2026", places_per_year=1, **{side: other},
        )  # fmt: skip
    JointProgramFactory(partners=[other])
    ResearchProject.objects.create(title="Optics").partners.set([other])
    VisitFactory(partners=[other])
    application = ApplicationFactory(call=CallFactory(partners=[other]), faculty=UnitFactory(partner=None))
    application.host = other
    application.save()
    Mobility.objects.create(
        participant_name="Aigerim", direction="outgoing", partner=other, mobility_type="semester",
        starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 1, 31),
    )  # fmt: skip
    PartnerFactory().predecessors.set([other])
    other.predecessors.set([PartnerFactory()])
    relations = [
        (relation.related_model, relation.field.attname)
        for relation in Partner._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and not relation.related_model.__name__.startswith("Historical")
    ]

    def count(partner):
        return {
            f"{model._meta.label}.{column}": model._default_manager.filter(**{column: partner.pk}).count()
            for model, column in relations
        }

    before = count(other)
    services.merge_partners(kept, [other], by=StaffFactory())

    assert [relation for relation, rows in before.items() if not rows] == []
    assert count(kept) == before
    assert unit.pk in kept.units.values_list("pk", flat=True)


def test_merging_needs_another_partner():
    partner = PartnerFactory()

    with pytest.raises(ValidationError, match="at least one other"):
        services.merge_partners(partner, [partner], by=StaffFactory())


def test_drafting_an_agreement_records_the_draft_once():
    staff, partner = StaffFactory(), PartnerFactory()
    values = {"kind": "mou", "title": "Memorandum", "title_en": "Memorandum"}

    agreement = services.draft_agreement(reference_number="MoU-1", partners=[partner], by=staff, values=values)
    again = services.draft_agreement(reference_number="MoU-1", partners=[partner], by=staff, values=values)

    assert again == agreement and Agreement.objects.count() == 1
    assert (agreement.status, list(agreement.partners.all())) == ("draft", [partner])
    assert list(agreement.transitions.values_list("to_status", "by")) == [("draft", staff.pk)]


def test_describing_a_partner_validates_and_refreshes_its_search_text():
    partner = PartnerFactory(name_en="Shihezi University")
    PartnerDomain.objects.create(partner=partner, domain="shzu.edu.cn")

    services.describe_partner(partner, values={"name_zh_hans": "石河子大学", "is_public": True})

    assert Partner.objects.public().search("石河子").get() == partner
    assert Partner.objects.search("shzu.edu.cn").get() == partner
    with pytest.raises(ValidationError):
        services.describe_partner(partner, values={"website": "not a web address"})
