import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships import services
from partnerships.models import Agreement, Partner, PartnerDomain
from tests.factories import (
    ActiveAgreementFactory,
    AgreementFactory,
    JointProgramFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def faculty(client):
    user = UserFactory(role="faculty")
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


def test_faculty_coordinators_edit_their_own_agreements_and_programs_only(client, faculty):
    mine = AgreementFactory(coordinator=faculty)
    theirs = AgreementFactory(coordinator=UserFactory(role="faculty"))
    my_program = JointProgramFactory(home_coordinator=faculty)
    their_program = JointProgramFactory()

    listing = client.get("/en/admin/partnerships/agreement/")

    assert list(listing.context["cl"].result_list) == [mine]
    assert client.get(f"/en/admin/partnerships/agreement/{mine.pk}/change/").status_code == 200
    assert client.get(f"/en/admin/partnerships/agreement/{theirs.pk}/change/").status_code == 302
    assert client.get(f"/en/admin/partnerships/jointprogram/{my_program.pk}/change/").status_code == 200
    assert client.get(f"/en/admin/partnerships/jointprogram/{their_program.pk}/change/").status_code == 302
    assert client.get("/en/admin/partnerships/agreement/add/").status_code == 403
    assert client.post(f"/en/admin/partnerships/agreement/{theirs.pk}/delete/", {"post": "yes"}).status_code in (
        302,
        403,
    )
    assert Agreement.objects.filter(pk=theirs.pk).exists()


def test_faculty_read_the_history_of_what_they_coordinate_only(client, faculty, settings):
    mine = AgreementFactory(coordinator=faculty)
    theirs = AgreementFactory(coordinator=UserFactory(role="faculty"), title_en="Their agreement")
    their_program = JointProgramFactory()
    gone = AgreementFactory(coordinator=faculty)
    gone_id = gone.pk
    gone.delete()

    def history(model, record_id, version=""):
        return client.get(f"/en/admin/partnerships/{model}/{record_id}/history/{version}")

    assert history("agreement", mine.pk).status_code == 200
    assert history("agreement", mine.pk, f"{mine.history.last().history_id}/").status_code == 200
    refused = history("agreement", theirs.pk)
    assert refused.status_code == 403
    assert "Their agreement" not in refused.content.decode()
    assert history("agreement", theirs.pk, f"{theirs.history.last().history_id}/").status_code == 403
    assert history("jointprogram", their_program.pk).status_code == 403
    assert history("agreement", gone_id).status_code == 403  # a deleted record's history is the office's
    assert history("agreement", "not-a-number").status_code == 403
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    assert history("agreement", theirs.pk).status_code == 200
    assert history("agreement", gone_id).status_code == 200


def test_office_staff_are_warned_about_a_likely_duplicate_partner(office):
    existing = PartnerFactory(name_en="Xinjiang University", country="CN")
    data = {
        "name_en": "Xinjiang University",
        "slug": "xinjiang-university-new",
        "country": "CN",
        "kind": "university",
        "status": "prospective",
        **{f"{prefix}-TOTAL_FORMS": "0" for prefix in ("domains", "campuses", "units", "contacts")},
        **{f"{prefix}-INITIAL_FORMS": "0" for prefix in ("domains", "campuses", "units", "contacts")},
    }

    response = office.post("/en/admin/partnerships/partner/add/", data, follow=True)

    assert Partner.objects.count() == 2
    assert "may already exist" in response.content.decode()
    assert f"/en/admin/partnerships/partner/{existing.pk}/change/" in response.content.decode()


def test_office_staff_move_agreements_along_their_lifecycle_from_the_list(office):
    agreement = AgreementFactory(status=Agreement.Status.AWAITING_SIGNATURE)
    url = "/en/admin/partnerships/agreement/"

    form = office.post(url, {"action": "change_status", "_selected_action": [agreement.pk]})
    done = office.post(
        url,
        {
            "action": "change_status",
            "_selected_action": [agreement.pk],
            "apply": "1",
            "to": "active",
            "signed_on": "2025-10-31",
            "comment": "Signed in Urumqi",
        },
        follow=True,
    )

    assert form.status_code == 200
    assert "New status" in form.content.decode()
    assert "The status of 1 agreement was changed." in done.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert agreement.transitions.get().comment == "Signed in Urumqi"


def test_an_invalid_status_change_is_explained_and_changes_nothing(office):
    agreement = AgreementFactory()
    url = "/en/admin/partnerships/agreement/"

    form = office.post(url, {"action": "change_status", "_selected_action": [agreement.pk]})
    response = office.post(
        url, {"action": "change_status", "_selected_action": [agreement.pk], "apply": "1", "to": "active"}
    )

    # A draft may go to negotiation or await signature: only those are offered, and "active" is refused.
    assert [value for value, _label in form.context["form"].fields["to"].choices] == [
        "negotiation",
        "awaiting_signature",
    ]
    assert "Select a valid choice." in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_a_status_change_refused_for_every_row_comes_back_with_the_reason_and_the_comment(office):
    agreement = AgreementFactory(status=Agreement.Status.AWAITING_SIGNATURE)
    url = "/en/admin/partnerships/agreement/"
    chosen = {"action": "change_status", "_selected_action": [agreement.pk], "apply": "1", "to": "active"}

    response = office.post(url, {**chosen, "comment": "Signed in Urumqi"})  # no date of signature

    html = response.content.decode()
    assert response.status_code == 200
    assert "Signed in Urumqi" in html and "Give the date the agreement was signed." in html
    assert 'class="button cancel-link"' in html
    agreement.refresh_from_db()
    assert agreement.status == "awaiting_signature"


def test_partner_import_previews_a_csv_and_reports_errors_by_row(office):
    csv = (
        "slug,name_en,country,kind,status,website\n"
        "xinjiang-university,Xinjiang University,CN,university,active,https://www.xju.edu.cn/\n"
        "broken,Broken University,CN,university,active,not a url\n"
    )

    response = office.post(
        "/en/admin/partnerships/partner/import/",
        {"import_file": SimpleUploadedFile("partners.csv", csv.encode()), "format": "0", "resource": "0"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Some rows failed to validate" in html
    assert "Enter a valid URL." in html
    assert not Partner.objects.exists()  # a preview only: nothing is written before confirmation


def test_partners_export_as_xlsx(office):
    partner = PartnerFactory(name_en="Xinjiang University")
    PartnerDomain.objects.create(partner=partner, domain="xju.edu.cn")

    page = office.get("/en/admin/partnerships/partner/export/").content.decode()
    fields = dict.fromkeys(re.findall(r'type="checkbox" name="(partnerresource_\w+)"', page), "on")

    response = office.post("/en/admin/partnerships/partner/export/", {"format": "1", "resource": "0", **fields})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_every_change_to_a_partner_is_kept_in_its_history(office):
    partner = PartnerFactory(name_en="Xinjiang University")
    partner.name_zh_hans = "新疆大学"
    partner.save()

    page = office.get(f"/en/admin/partnerships/partner/{partner.pk}/history/")

    assert page.status_code == 200
    assert partner.history.count() == 2
    assert partner.history.first().name_zh_hans == "新疆大学"


def test_faculty_cannot_import_partners_or_agreements(client, faculty):
    for model in ("partner", "agreement"):
        assert client.get(f"/en/admin/partnerships/{model}/import/").status_code == 403


@pytest.mark.parametrize("ended", ["expired", "terminated"])
def test_the_admin_cannot_make_an_ended_agreement_active_again(office, ended):
    agreement = ActiveAgreementFactory()
    services.change_agreement_status(agreement, to=ended, by=StaffFactory(), comment="Ended")
    active_version = agreement.history.filter(status="active").latest("history_date")
    url = "/en/admin/partnerships/agreement/"

    refused = office.post(
        url,
        {"action": "change_status", "_selected_action": [agreement.pk], "apply": "1", "to": "active"},
        follow=True,
    )
    # Reverting to a version from before the end restores what the form edits, never the status.
    reverted = office.post(
        f"{url}{agreement.pk}/history/{active_version.history_id}/",
        {
            "title_en": agreement.title_en,
            "kind": agreement.kind,
            "partners": [p.pk for p in agreement.partners.all()],
            "signed_on": "2025-10-31",
            "valid_from": "2025-10-31",
            "valid_until": "2030-10-30",
            "renewal_notice_days": "0",
            **{f"{prefix}-TOTAL_FORMS": "0" for prefix in ("conditions", "documents", "transitions")},
            **{f"{prefix}-INITIAL_FORMS": "0" for prefix in ("conditions", "documents", "transitions")},
        },
    )

    # An ended agreement moves nowhere: the form says so and offers no status.
    assert "None of the selected can move to another status." in refused.content.decode()
    assert refused.context["form"].fields["to"].choices == []
    assert reverted.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == ended


def test_office_staff_merge_duplicate_partners_after_choosing_the_one_to_keep(office):
    kept = PartnerFactory(name_en="Xinjiang University", name="Xinjiang University")
    duplicate = PartnerFactory(name_en="Xinjiang Univ.", name="Xinjiang Univ.")
    agreement = AgreementFactory(partners=[duplicate])
    url = "/en/admin/partnerships/partner/"
    selected = {"action": "merge", "_selected_action": [kept.pk, duplicate.pk]}

    confirmation = office.post(url, selected)
    nothing_chosen = office.post(url, {**selected, "apply": "1"})
    done = office.post(url, {**selected, "apply": "1", "kept": kept.pk}, follow=True)

    assert confirmation.status_code == 200
    assert "Partner to keep" in confirmation.content.decode()
    assert f'value="{duplicate.pk}"' in confirmation.content.decode()
    assert "This field is required." in nothing_chosen.content.decode()
    assert "1 partner was merged into «Xinjiang University»." in done.content.decode()
    assert list(Partner.objects.all()) == [kept]
    assert list(agreement.partners.all()) == [kept]


def test_merging_needs_two_partners_selected(office):
    partner = PartnerFactory()

    response = office.post(
        "/en/admin/partnerships/partner/", {"action": "merge", "_selected_action": [partner.pk]}, follow=True
    )

    assert "Select at least two partners to merge." in response.content.decode()
    assert Partner.objects.filter(pk=partner.pk).exists()


@pytest.mark.parametrize("count", [2, 5])
def test_the_merge_confirmation_reads_a_fixed_number_of_queries(office, count, django_assert_num_queries):
    partners = PartnerFactory.create_batch(count)
    for partner in partners:
        partner.domains.create(domain=f"{partner.slug}.edu.cn")
    selected = {"action": "merge", "_selected_action": [partner.pk for partner in partners]}
    office.post("/en/admin/partnerships/partner/", selected)  # sessions and permissions are read once

    with django_assert_num_queries(9):  # the session and the countries of the list's country filter: cached
        response = office.post("/en/admin/partnerships/partner/", selected)

    assert response.status_code == 200
