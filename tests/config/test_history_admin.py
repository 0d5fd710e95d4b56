"""A record's history page in the reader's language: the reasons of its changes, and each change once, readable."""

import datetime

import pytest
from django.utils import translation

from tests.factories import PartnerFactory, StaffFactory
from visits.models import Visit
from visits.services import change_visit_status, propose_visit

pytestmark = pytest.mark.django_db

LONG_PURPOSE = (
    "Invitation of the rector and the international office of Xinjiang University, to open a joint seminar on "
    "water management in arid regions and agree the next steps."
)


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    staff = StaffFactory()
    client.force_login(staff)
    return staff


def proposed_visit(by):
    values = {
        "title_en": "Visit to Urumqi",
        "purpose_en": LONG_PURPOSE,
        "direction": Visit.Direction.OUTGOING,
        "country": "CN",
        "starts_on": datetime.date(2025, 10, 29),
        "ends_on": datetime.date(2025, 11, 2),
    }
    with translation.override("en"):
        visit = propose_visit(by=by, partners=[PartnerFactory()], values=values)
        return change_visit_status(visit, to=Visit.Status.APPROVED, by=by)


def history_rows(client, visit, language):
    page = client.get(f"/{language}/admin/visits/visit/{visit.pk}/history/")
    assert page.status_code == 200
    return list(page.context["page_obj"]), page.content.decode()


def test_history_reasons_the_portal_writes_read_in_the_readers_language(client, office):
    visit = proposed_visit(office)
    rows, html = history_rows(client, visit, "zh-hans")
    with translation.override("zh-hans"):
        expected = [str(Visit.Status.APPROVED.label), translation.gettext("Added")]
    assert [row.history_change_reason for row in rows] == expected
    assert ">Approved<" not in html.replace("\n", "").replace(" ", "")
    rows, _html = history_rows(client, visit, "kk")
    with translation.override("kk"):
        assert rows[0].history_change_reason == str(Visit.Status.APPROVED.label)


def test_history_reason_written_in_another_language_is_translated_and_a_comment_kept(client, office):
    visit = proposed_visit(office)
    with translation.override("ru"):
        change_visit_status(visit, to=Visit.Status.CONFIRMED, by=office)
    change_visit_status(visit, to=Visit.Status.CANCELLED, by=office, comment="The partner asked to postpone.")
    rows, _html = history_rows(client, visit, "zh-hans")
    with translation.override("zh-hans"):
        assert rows[1].history_change_reason == str(Visit.Status.CONFIRMED.label)
    assert rows[0].history_change_reason == "The partner asked to postpone."


def test_history_of_a_save_without_a_reason_shows_a_dash_not_none(client, office):
    visit = Visit.objects.get(pk=proposed_visit(office).pk)  # as the admin's form saves it: no reason given
    visit.city_en, visit._history_user = "Urumqi", office
    visit.save()
    rows, html = history_rows(client, visit, "en")
    assert rows[0].history_change_reason == "—"
    assert "None" not in html.split('id="change-history"')[1].split("</table>")[0]


def test_history_lists_a_translated_field_once_by_its_label_and_language(client, office):
    visit = Visit.objects.get(pk=proposed_visit(office).pk)
    visit.purpose_en = LONG_PURPOSE + " Walk check."
    visit.save()
    rows, _html = history_rows(client, visit, "en")
    changes = rows[0].history_delta_changes
    assert [change["field"] for change in changes] == ["Purpose (English)"]
    old, new = changes[0]["old"], changes[0]["new"]
    assert "chars]" not in old + new
    assert old == "…regions and agree the next steps."
    assert new == "…regions and agree the next steps. Walk check."


def test_history_shortens_a_long_changed_text_at_words():
    from config.admin import HistoryInWords

    helper = HistoryInWords(Visit, None)
    words = "word " * 60
    old, new = helper.stringify_delta_change_values(None, "A " + words, "B " + words)
    assert old.startswith("A word word") and old.endswith("word…") and len(old) <= 101
    assert new.startswith("B word")
    assert helper.stringify_delta_change_values(None, "short", "text") == ("short", "text")
