"""The admin's language tabs and autocompletes in a browser: each tab names its language in itself and says its
state and its tooltip in the page's language; Select2 speaks the page's language, Kazakh too."""

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from config.translations import language_name
from tests.factories import PartnerFactory, StaffFactory, UnitFactory, VisitFactory
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

OWN_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English", "zh-hans": "简体中文"}


@pytest.fixture
def office(page, client, live_server, settings):
    settings.STAFF_MFA_REQUIRED = False
    sign_in_as(page, client, StaffFactory(), live_server)
    return page


def visit_stale_in_russian_and_missing_elsewhere():
    """Its title is written in English, Kazakh and Russian, then changed in English; its purpose is English only."""
    visit = VisitFactory(
        title="Visit to Urumqi",
        title_en="Visit to Urumqi",
        title_kk="Үрімжіге сапар",
        title_ru="Визит в Урумчи",
        purpose_en="To open a seminar.",
        partners=[PartnerFactory(name_en="Xinjiang University")],
    )
    visit.title_en = "Visit to Urumqi and Kashgar"
    visit.save()
    return visit


def tab_texts(page, field):
    nav = page.locator(f'.ui-tabs-nav:has(li[aria-controls="tab_id_{field}_kk"])')
    expect(nav.locator("a[data-language]")).to_have_count(4)
    return nav.locator("a").evaluate_all("tabs => tabs.map(tab => [tab.textContent, tab.title, tab.lang])")


@pytest.mark.parametrize("language", ["zh-hans", "kk"])
def test_every_tab_names_its_language_and_says_its_state_in_the_pages_language(office, language):
    visit = visit_stale_in_russian_and_missing_elsewhere()
    office.goto(f"/{language}/admin/visits/visit/{visit.pk}/change/")
    with translation.override(language):
        stale, missing = translation.gettext("stale"), translation.gettext("missing")
        tooltips = {code: capfirst(language_name(code)) for code in OWN_NAMES}
    expect(office.locator(".translation-mark")).not_to_have_count(0)
    assert tab_texts(office, "title") == [
        [f"Қазақша · {stale}", tooltips["kk"], "kk"],
        [f"Русский · {stale}", tooltips["ru"], "ru"],
        ["English", tooltips["en"], "en"],
        [f"简体中文 · {missing}", tooltips["zh-hans"], "zh-hans"],
    ]
    assert [text for text, _title, _lang in tab_texts(office, "purpose")] == [
        f"Қазақша · {missing}",
        f"Русский · {missing}",
        "English",
        f"简体中文 · {missing}",
    ]
    assert office.locator(".translation-mark").first.get_attribute("lang") == language


def test_autocomplete_speaks_kazakh_on_a_kazakh_page(office):
    visit = visit_stale_in_russian_and_missing_elsewhere()
    visit.partner_units.set([UnitFactory(partner=visit.partners.get())])
    office.goto(f"/kk/admin/visits/visit/{visit.pk}/change/")
    clear = office.locator(".field-partner_units .select2-selection__clear")
    expect(clear).to_have_attribute("title", "Барлығын алып тастау")
    office.locator(".field-partners .select2-search__field").fill("zzzz-nothing")
    expect(office.locator(".select2-results__message")).to_have_text("Ештеңе табылмады")
