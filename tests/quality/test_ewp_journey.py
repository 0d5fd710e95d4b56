"""A staff member fixes an agreement's EWP export from the problem the admin names, in a real browser."""

import pytest
from playwright.sync_api import expect

from partnerships import demo
from partnerships.models import Agreement, Partner
from tests.factories import StaffFactory
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_follows_an_export_problem_to_its_field_fixes_it_and_marks_the_agreement_ready(
    page, client, live_server, settings
):
    settings.STAFF_MFA_REQUIRED = False
    office = StaffFactory(email="office@kopir.example")
    demo.seed(by=office)
    demo.seed_xinjiang(coordinator=office)
    agreement = Agreement.objects.get(reference_number="MoU-XJU-2025")
    Partner.objects.filter(slug="xinjiang-university").update(hei_id="")
    sign_in_as(page, client, office, live_server)

    page.goto(f"/en/admin/partnerships/agreement/{agreement.pk}/change/")
    problems = page.get_by_role("list", name="The export has 1 problem to fix before it can be exchanged:")
    expect(problems).to_be_visible()
    page.get_by_role("link", name="The partner «Xinjiang University» has no SCHAC code (EWP HEI ID).").click()

    page.wait_for_url("**/admin/partnerships/partner/*/change/#id_hei_id")
    field = page.get_by_label("EWP HEI ID")
    field.fill("xju.edu.cn")
    page.locator("input[name=_save]").click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.goto(f"/en/admin/partnerships/agreement/{agreement.pk}/change/")
    expect(page.get_by_text("The export validates against the IIA v7 schema.")).to_be_visible()
    expect(page.get_by_role("link", name="Download the IIA document (XML)")).to_be_visible()
    page.get_by_role("button", name="Save and mark ready to exchange").click()

    expect(page.get_by_text("The agreement is ready to exchange.")).to_be_visible()
    assert Agreement.objects.get(pk=agreement.pk).is_ready_to_exchange
