import pytest

from partnerships.models import Agreement, Partner


@pytest.fixture
def staff(db, client, settings, office):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(office)
    return client


def page(xju_demo):
    return f"/en/admin/partnerships/agreement/{xju_demo.pk}/change/"


def test_the_agreement_page_shows_the_export_problems_with_links(staff, xju_demo):
    xju = Partner.objects.get(slug="xinjiang-university")
    Partner.objects.filter(pk=xju.pk).update(hei_id="")

    html = staff.get(page(xju_demo)).content.decode()

    assert "The export has 1 problem to fix before it can be exchanged:" in html
    assert f'href="/en/admin/partnerships/partner/{xju.pk}/change/#id_hei_id"' in html
    assert "Download the IIA document" not in html
    assert staff.get(f"/en/admin/partnerships/agreement/{xju_demo.pk}/ewp-iia.xml").status_code == 403


def test_a_valid_export_is_offered_for_download(staff, xju_demo):
    html = staff.get(page(xju_demo)).content.decode()
    assert "The export validates against the IIA v7 schema." in html

    download = staff.get(f"/en/admin/partnerships/agreement/{xju_demo.pk}/ewp-iia.xml")

    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/xml")
    assert b"<hei-id>xju.edu.cn</hei-id>" in download.content


def test_the_list_action_refuses_an_agreement_whose_export_does_not_validate(staff, xju_demo):
    Partner.objects.filter(slug="xinjiang-university").update(hei_id="")
    data = {"action": "mark_ready_to_exchange", "_selected_action": [xju_demo.pk]}

    response = staff.post("/en/admin/partnerships/agreement/", data, follow=True)

    assert "has no SCHAC code" in response.content.decode()
    assert not Agreement.objects.get(pk=xju_demo.pk).is_ready_to_exchange


def test_the_list_actions_mark_ready_and_withdraw(staff, xju_demo):
    staff.post(
        "/en/admin/partnerships/agreement/", {"action": "mark_ready_to_exchange", "_selected_action": [xju_demo.pk]}
    )
    assert Agreement.objects.get(pk=xju_demo.pk).is_ready_to_exchange

    staff.post(
        "/en/admin/partnerships/agreement/", {"action": "withdraw_from_exchange", "_selected_action": [xju_demo.pk]}
    )
    assert not Agreement.objects.get(pk=xju_demo.pk).is_ready_to_exchange
