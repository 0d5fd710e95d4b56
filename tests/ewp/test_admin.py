"""Office staff import a partner's copy in the admin, see it beside ours and approve it; nobody else may."""

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ewp import partner_copy
from ewp.models import PartnerCopy
from partnerships.services import add_cooperation_condition
from tests.factories import UserFactory
from tests.helpers import iia_document, pdf_bytes

pytestmark = pytest.mark.django_db

ADD = "/en/admin/ewp/partnercopy/add/"


@pytest.fixture
def signed_in(client, office, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(office)
    return office


def upload(client, content, *, agreement=None, language="en", name="iia.xml"):
    data = {"document": SimpleUploadedFile(name, content, content_type="application/xml")}
    if agreement is not None:
        data["agreement"] = agreement.pk
    return client.post(f"/{language}/admin/ewp/partnercopy/add/", data)


def places_changed(mou):
    conditions = partner_copy.our_conditions(mou)
    conditions[1] = dataclasses.replace(conditions[1], places=7)
    return iia_document(conditions)


def test_an_imported_copy_with_one_changed_condition_shows_exactly_that_difference(client, signed_in, mou):
    response = upload(client, places_changed(mou), agreement=mou)

    copy = PartnerCopy.objects.get()
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="difference"') == 1
    assert html.count('<tr class="differs">') == 1
    assert "The copies differ in 1 place, marked in the table below." in html
    differing = html.split('<tr class="differs">')[1].split("</tr>")[0]
    assert "Places per year" in differing and "<td>5</td>" in differing and "<td>7</td>" in differing
    assert html.count('<table class="comparison">') == 4


def test_the_comparison_is_in_the_readers_language(client, signed_in, mou):
    copy = partner_copy.import_partner_copy(places_changed(mou), by=signed_in, agreement=mou)

    html = client.get(f"/ru/admin/ewp/partnercopy/{copy.pk}/change/").content.decode()

    assert "Отличается" in html
    assert "Differs" not in html


def test_the_agreement_page_links_to_its_copies_and_the_import(client, signed_in, mou):
    html = client.get(f"/en/admin/partnerships/agreement/{mou.pk}/change/").content.decode()

    assert f"/en/admin/ewp/partnercopy/?agreement__id__exact={mou.pk}" in html
    assert f"/en/admin/ewp/partnercopy/add/?agreement={mou.pk}" in html
    form = client.get(f"{ADD}?agreement={mou.pk}")
    assert form.context["form"].initial == {"agreement": str(mou.pk)}
    listed = client.get(f"/en/admin/ewp/partnercopy/?agreement__id__exact={mou.pk}")
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (pdf_bytes(), "The file is not an XML document"),
        (b"<?xml version='1.0'?><agreement/>", "is not an agreement in the EWP format"),
        (b" " * (partner_copy.MAX_BYTES + 10), "a partner&#x27;s copy may be at most 2.0"),
    ],
)
def test_a_bad_file_is_refused_with_the_reason_and_the_earlier_copy_is_kept(client, signed_in, mou, content, words):
    earlier = partner_copy.import_partner_copy(
        iia_document(partner_copy.our_conditions(mou)), by=signed_in, agreement=mou
    )

    response = upload(client, content, agreement=mou)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert list(PartnerCopy.objects.all()) == [earlier]
    assert earlier.history.count() == 1


def test_a_copy_of_no_known_agreement_asks_to_choose_one(client, signed_in, mou):
    response = upload(client, iia_document(partner_copy.our_conditions(mou)))

    assert response.status_code == 200
    assert "No agreement matches the document" in response.content.decode()
    assert not PartnerCopy.objects.exists()


def test_a_refusal_is_in_the_readers_language(client, signed_in, mou):
    response = upload(client, b"not xml", language="kk")

    assert "XML құжаты емес" in response.content.decode()


def test_an_empty_form_asks_for_the_file(client, signed_in):
    response = client.post(ADD, {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"document": ["This field is required."]}


def test_approving_from_the_list_records_our_approval(client, signed_in, mou):
    copy = partner_copy.import_partner_copy(iia_document(partner_copy.our_conditions(mou)), by=signed_in, agreement=mou)

    response = client.post(
        "/en/admin/ewp/partnercopy/", {"action": "approve", "_selected_action": [copy.pk]}, follow=True
    )

    copy.refresh_from_db()
    assert copy.approval == PartnerCopy.Approval.OURS
    assert "1 copy approved." in response.content.decode()
    client.post("/en/admin/ewp/partnercopy/", {"action": "record_partner_approval", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    assert copy.approval == PartnerCopy.Approval.BOTH
    client.post("/en/admin/ewp/partnercopy/", {"action": "withdraw_partner_approval", "_selected_action": [copy.pk]})
    copy.refresh_from_db()
    assert copy.approval == PartnerCopy.Approval.OURS


def test_approving_a_copy_that_differs_says_why_not(client, signed_in, mou):
    copy = partner_copy.import_partner_copy(places_changed(mou), by=signed_in, agreement=mou)

    response = client.post(
        "/en/admin/ewp/partnercopy/", {"action": "approve", "_selected_action": [copy.pk]}, follow=True
    )

    assert "differs from ours in 1 place" in response.content.decode()
    copy.refresh_from_db()
    assert copy.approval == PartnerCopy.Approval.NONE


def test_a_copy_is_read_only_in_the_admin(client, signed_in, mou):
    copy = partner_copy.import_partner_copy(places_changed(mou), by=signed_in, agreement=mou)

    response = client.post(f"/en/admin/ewp/partnercopy/{copy.pk}/change/", {"partner_iia_id": "changed"})

    assert response.status_code == 403
    copy.refresh_from_db()
    assert copy.partner_iia_id == "XJU-2025-17"


def test_only_office_staff_open_the_copies(client, settings, mou, office):
    settings.STAFF_MFA_REQUIRED = False
    copy = partner_copy.import_partner_copy(places_changed(mou), by=office, agreement=mou)
    coordinator = UserFactory(role="faculty")
    mou.coordinator = coordinator
    mou.save()
    pages = [ADD, "/en/admin/ewp/partnercopy/", f"/en/admin/ewp/partnercopy/{copy.pk}/change/"]

    client.force_login(coordinator)
    answers = {page: client.get(page).status_code for page in pages}
    agreement_page = client.get(f"/en/admin/partnerships/agreement/{mou.pk}/change/").content.decode()
    refused_upload = upload(client, places_changed(mou), agreement=mou).status_code

    assert answers == dict.fromkeys(pages, 403)
    assert "partnercopy" not in agreement_page  # the coordinator's agreement page offers no link to them
    assert refused_upload == 403
    client.force_login(UserFactory())
    assert client.get(ADD).status_code == 302  # a student is sent to sign in as staff


def test_the_comparison_costs_the_same_queries_for_few_or_many_conditions(client, signed_in, mou):
    def queries():
        copy = partner_copy.import_partner_copy(
            iia_document(partner_copy.our_conditions(mou)), by=signed_in, agreement=mou
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/en/admin/ewp/partnercopy/{copy.pk}/change/").status_code == 200
        return len(captured)

    queries()  # the content types are cached from then on
    few = queries()
    for mobility_type in ("student_traineeship", "staff_training"):
        add_cooperation_condition(
            mou,
            mobility_type=mobility_type,
            sending=None,
            receiving=mou.partners.get(),
            values={"academic_year_from": "2026/2027", "academic_year_to": "2027/2028", "places_per_year": 1},
            by=signed_in,
        )

    assert queries() == few
