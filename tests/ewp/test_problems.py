import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ewp import iia, services
from partnerships.models import CooperationCondition, Partner, Unit
from tests.factories import PartnerFactory


def messages(agreement):
    return [(problem.message, problem.url) for problem in iia.build_iia(agreement).problems]


def test_a_partner_without_schac_code_is_named_with_a_link_to_the_field(xju_demo):
    xju = Partner.objects.get(slug="xinjiang-university")
    Partner.objects.filter(pk=xju.pk).update(hei_id="")

    assert messages(xju_demo) == [
        (
            "The partner «Xinjiang University» has no SCHAC code (EWP HEI ID).",
            f"/en/admin/partnerships/partner/{xju.pk}/change/#id_hei_id",
        )
    ]


def test_a_condition_without_language_for_staff_teaching_links_to_its_field(xju_demo):
    conditions = list(xju_demo.conditions.all())
    index, teaching = next(
        (index, condition)
        for index, condition in enumerate(conditions)
        if condition.mobility_type == CooperationCondition.MobilityType.STAFF_TEACHING
    )
    CooperationCondition.objects.filter(pk=teaching.pk).update(language="", cefr_level="")

    assert messages(xju_demo) == [
        (
            "A condition has no language for staff mobility for teaching (2026/2027–2029/2030).",
            f"/en/admin/partnerships/agreement/{xju_demo.pk}/change/#id_conditions-{index}-language",
        )
    ]


def test_the_problems_read_in_the_staff_members_language(xju_demo):
    Partner.objects.filter(slug="xinjiang-university").update(hei_id="")
    Unit.objects.filter(pk=xju_demo.home_unit_id).update(code="")

    with translation.override("ru"):
        found = [message for message, _url in messages(xju_demo)]

    assert found == [
        "У партнёра «Синьцзянский университет» нет кода SCHAC (EWP HEI ID).",
        "У нашего подразделения «Отдел международного сотрудничества» нет кода EWP.",
    ]


def test_an_agreement_with_two_partners_cannot_be_an_iia(xju_demo):
    xju_demo.partners.add(PartnerFactory(hei_id="other.edu.cn"))

    (message, url), *_rest = messages(xju_demo)
    assert message.startswith("An EWP agreement is between two institutions")
    assert message.endswith("this agreement has 2 partners.")
    assert url.endswith("#id_partners")


def test_an_agreement_cannot_be_marked_ready_while_its_export_does_not_validate(xju_demo, office):
    Partner.objects.filter(slug="xinjiang-university").update(hei_id="")

    with pytest.raises(ValidationError) as refused:
        services.mark_ready_to_exchange(xju_demo, by=office)

    assert refused.value.messages == ["The partner «Xinjiang University» has no SCHAC code (EWP HEI ID)."]
    xju_demo.refresh_from_db()
    assert not xju_demo.is_ready_to_exchange
    assert services.offered_agreements() == []


def test_a_valid_agreement_is_marked_ready_once_and_can_be_withdrawn(xju_demo, office):
    ready = services.mark_ready_to_exchange(xju_demo, by=office)
    since = ready.ready_to_exchange_at

    assert ready.is_ready_to_exchange and since
    assert services.mark_ready_to_exchange(xju_demo, by=office).ready_to_exchange_at == since
    assert services.offered_agreements() == [xju_demo]
    assert ready.history.first().history_change_reason == "Marked ready to exchange"

    withdrawn = services.withdraw_from_exchange(xju_demo, by=office)
    assert not withdrawn.is_ready_to_exchange
    assert services.offered_agreements() == []


def test_an_agreement_that_stops_validating_is_no_longer_offered(xju_demo, office):
    services.mark_ready_to_exchange(xju_demo, by=office)
    Partner.objects.filter(slug="xinjiang-university").update(hei_id="")

    assert services.offered_agreements() == []
