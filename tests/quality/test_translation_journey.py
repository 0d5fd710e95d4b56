"""The translation workflow in a real browser: a source edit marks a translation stale, the translator's queue
shows it, and saving the translation clears it."""

import pytest
from playwright.sync_api import expect

from accounts.services import appoint_translator
from config.translations import state_of, translation_counts
from tests.factories import PartnerFactory, StaffFactory, UserFactory
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_source_edit_goes_to_the_translators_queue_and_saving_clears_it(page, client, live_server, settings):
    settings.STAFF_MFA_REQUIRED = False
    office = StaffFactory(email="office@kopir.example")
    translator = appoint_translator(UserFactory(email="translator@kopir.example"), languages=["kk", "zh-hans"])
    partner = PartnerFactory(
        name_en="Xinjiang University", name_kk="Шыңжаң университеті", name_zh_hans="新疆大学", is_public=True
    )

    sign_in_as(page, client, office, live_server)
    page.goto(f"/en/admin/partnerships/partner/{partner.pk}/change/")
    page.locator('[role=tab][aria-controls="tab_id_name_en"]').click()
    page.locator("#id_name_en").fill("Xinjiang University (Urumqi)")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/en/admin/partnerships/partner/")
    expect(page.get_by_text("3/4 · 2 stale")).to_be_visible()
    assert state_of(partner).stale == ["kk", "zh-hans"]

    client.logout()
    sign_in_as(page, client, translator, live_server)
    page.goto("/en/admin/")
    expect(page.get_by_text("1 record has a stale translation.")).to_be_visible()
    page.get_by_role("link", name="Open the translation queue").click()
    page.get_by_role("link", name="Xinjiang University (Urumqi)").click()

    kazakh = page.locator('[role=tab][aria-controls="tab_id_name_kk"]')
    expect(kazakh).to_contain_text("stale")
    kazakh.click()
    expect(page.locator("q.translation-source").first).to_have_text("Xinjiang University (Urumqi)")
    page.locator("#id_name_kk").fill("Шыңжаң университеті (Үрімжі)")
    page.locator('[role=tab][aria-controls="tab_id_name_zh_hans"]').click()
    page.locator("#id_name_zh_hans").fill("新疆大学（乌鲁木齐）")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/en/admin/partnerships/partner/")

    assert state_of(partner).stale == []
    assert translation_counts(translator)["stale"] == 0
    page.goto("/en/admin/config/translationstate/")
    expect(page.get_by_role("link", name="Xinjiang University (Urumqi)")).to_have_count(0)
