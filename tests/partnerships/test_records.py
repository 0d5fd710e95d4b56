import datetime

import pytest
from django.core.exceptions import ValidationError

from partnerships.models import CooperationCondition, Partner, PartnerDomain, Unit
from partnerships.services import (
    add_campus,
    add_contact,
    add_cooperation_condition,
    add_partner,
    add_partner_domain,
    add_unit,
    create_program,
    create_research_project,
    link_agreement_units,
    set_agreement_dates,
)
from tests.factories import AgreementFactory, PartnerFactory, StaffFactory, UnitFactory

pytestmark = pytest.mark.django_db


def actors(obj):
    return set(obj.history.values_list("history_user", flat=True))


def test_add_partner_and_its_domain_keep_who_added_them_and_the_domain_is_searchable():
    staff = StaffFactory()
    partner = add_partner(slug="xju", values={"name_en": "Xinjiang University", "country": "CN"}, by=staff)

    add_partner_domain(partner, domain="XJU.edu.cn", by=staff)
    add_partner_domain(partner, domain="xju.edu.cn", by=staff)

    assert PartnerDomain.objects.get().domain == "xju.edu.cn"
    partner.refresh_from_db()
    assert "xju.edu.cn" in partner.search_text
    assert actors(partner) == actors(PartnerDomain.objects.get()) == {staff.pk}
    with pytest.raises(ValidationError, match="belongs to another partner"):
        add_partner_domain(PartnerFactory(), domain="xju.edu.cn", by=staff)
    with pytest.raises(ValidationError) as refused:
        add_partner(slug="bad", values={"name_en": "Bad", "country": "XX"}, by=staff)
    assert "country" in refused.value.message_dict
    assert Partner.objects.count() == 2


def test_add_campus_unit_and_contact_refuse_another_institutions_parts():
    staff = StaffFactory()
    partner, other = PartnerFactory(), PartnerFactory()
    campus = add_campus(partner, name_en="Boda campus", values={}, by=staff)
    college = add_unit(partner, name_en="Top Engineer College", values={"campus": campus}, by=staff)
    add_unit(partner, name_en="Top Engineer College", values={"kind": Unit.Kind.COLLEGE}, by=staff)
    contact = add_contact(partner, name="金刚", values={"latin_name": "Jin Gang", "unit": college}, by=staff)

    assert partner.units.count() == 1 and actors(college) == actors(campus) == actors(contact) == {staff.pk}
    with pytest.raises(ValidationError, match="A unit can only be part of a unit of the same institution"):
        add_unit(other, name_en="Centre", values={"parent": college}, by=staff)
    with pytest.raises(ValidationError, match="Choose a campus of the same institution"):
        add_unit(other, name_en="Centre", values={"campus": campus}, by=staff)
    assert not other.units.exists()


def test_add_cooperation_condition_refuses_years_in_the_wrong_order():
    staff = StaffFactory()
    agreement = AgreementFactory()
    partner = agreement.partners.first() or PartnerFactory()
    values = {"places_per_year": 5, "academic_year_from": "2026/2027", "academic_year_to": "2029/2030"}
    kind = CooperationCondition.MobilityType.STUDENT_STUDIES

    condition = add_cooperation_condition(
        agreement, mobility_type=kind, sending=None, receiving=partner, values=values, by=staff
    )
    add_cooperation_condition(agreement, mobility_type=kind, sending=None, receiving=partner, values=values, by=staff)

    assert agreement.conditions.count() == 1 and actors(condition) == {staff.pk}
    with pytest.raises(ValidationError, match="The last academic year comes before the first"):
        add_cooperation_condition(
            agreement,
            mobility_type=kind,
            sending=partner,
            receiving=None,
            values={**values, "academic_year_to": "2025/2026"},
            by=staff,
        )


def test_create_program_and_research_project_with_their_partners():
    staff = StaffFactory()
    partner = PartnerFactory()

    values = {"title_en": "Engineering", "kind": "double_degree", "level": "bachelor"}
    program = create_program(slug="engineering", partners=[partner], values=values, by=staff)
    project = create_research_project(
        acronym="GEO-TS", partners=[partner], values={"title_en": "Geology of the Tian Shan"}, by=staff
    )

    assert list(program.partners.all()) == list(project.partners.all()) == [partner]
    assert actors(program) == actors(project) == {staff.pk}
    with pytest.raises(ValidationError) as refused:
        create_program(slug="not a slug!", partners=[partner], values=values, by=staff)
    assert "slug" in refused.value.message_dict


def test_set_agreement_dates_refuses_an_end_before_the_start():
    staff = StaffFactory()
    agreement = AgreementFactory()

    set_agreement_dates(
        agreement, valid_from=datetime.date(2026, 1, 1), valid_until=datetime.date(2030, 1, 1), by=staff
    )

    assert agreement.history.first().history_user == staff
    with pytest.raises(ValidationError, match="The agreement cannot end before it starts"):
        set_agreement_dates(agreement, valid_until=datetime.date(2025, 1, 1), by=staff)
    agreement.refresh_from_db()
    assert agreement.valid_until == datetime.date(2030, 1, 1)


def test_link_agreement_units_takes_only_units_of_its_partners():
    staff = StaffFactory()
    partner = PartnerFactory()
    agreement = AgreementFactory()
    agreement.partners.set([partner])
    ours = UnitFactory(partner=partner)

    link_agreement_units(agreement, units=[ours], by=staff)

    assert list(agreement.partner_units.all()) == [ours]
    with pytest.raises(ValidationError, match="Choose units of the agreement's partners"):
        link_agreement_units(agreement, units=[ours, UnitFactory()], by=staff)
    assert list(agreement.partner_units.all()) == [ours]
