import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from mobility import services
from mobility.models import Application, Mobility
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    HomeInstitutionFactory,
    PartnerFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
)
from tests.helpers import pdf_bytes

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture(autouse=True)
def _home():
    HomeInstitutionFactory()


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    user = StaffFactory()
    client.force_login(user)
    return user


def submitted(**kwargs):
    application = ApplicationFactory(**kwargs)
    services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    return services.submit_application(application, by=application.applicant)


def test_a_student_applies_step_by_step_and_submits(client):
    faculty = UnitFactory(partner=None)
    call = CallFactory()
    student = UserFactory()
    client.force_login(student)

    started = client.post(f"/en/mobility/{call.slug}/apply/")
    application = Application.objects.get()
    base = f"/en/mobility/applications/{application.pk}"
    assert started.url == f"{base}/about/"

    about = {
        "level": "bachelor",
        "faculty": faculty.pk,
        "gpa": "3.5",
        "credits": "90",
        "year_of_study": "3",
        "has_academic_debts": "false",
        "language_level": "B2",
    }
    assert client.post(f"{base}/about/", about).url == f"{base}/hosts/"
    assert client.post(f"{base}/hosts/", {"choice_1": call.partners.get().pk}).url == f"{base}/motivation/"
    assert client.post(f"{base}/motivation/", {"motivation": "Chinese and robotics."}).url == f"{base}/documents/"
    pdf = SimpleUploadedFile("transcript.pdf", pdf_bytes(), content_type="application/pdf")
    assert client.post(f"{base}/documents/", {"transcript": pdf}).url == f"{base}/submit/"
    done = client.post(f"{base}/submit/", {"confirm": "on"})

    application.refresh_from_db()
    assert done.url == f"{base}/"
    assert application.status == Status.SUBMITTED
    assert (application.gpa, application.has_academic_debts, application.faculty) == (Decimal("3.5"), False, faculty)
    assert client.get(f"{base}/about/").url == f"{base}/"  # a submitted application is no longer edited


def test_bad_input_is_explained_and_the_rest_of_the_draft_is_kept(client):
    application = ApplicationFactory(motivation="My long motivation")
    client.force_login(application.applicant)

    response = client.post(f"/en/mobility/applications/{application.pk}/about/", {"gpa": "5.2", "credits": "12"})

    application.refresh_from_db()
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 4" in response.content.decode()
    assert 'value="12"' in response.content.decode()  # what was typed is shown again
    assert (application.gpa, application.motivation) == (Decimal("3.40"), "My long motivation")


def test_the_form_shows_which_rule_the_applicant_fails_before_submitting(client):
    application = ApplicationFactory(gpa=Decimal("2.5"))
    client.force_login(application.applicant)

    html = client.get(f"/en/mobility/applications/{application.pk}/submit/").content.decode()

    assert "Your GPA 2.50 is below the minimum of 2.80." in html
    assert "Transcript of records" in html  # still missing


def test_a_renamed_executable_upload_is_refused_on_the_page(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    fake = SimpleUploadedFile("transcript.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")

    response = client.post(f"/en/mobility/applications/{application.pk}/documents/", {"transcript": fake})

    assert response.status_code == 400
    assert "not a readable PDF file" in response.content.decode()
    assert not application.documents.exists()


def test_after_the_deadline_the_draft_is_read_only(client):
    application = ApplicationFactory()
    call = application.call
    call.opens_at = timezone.now() - datetime.timedelta(days=20)
    call.closes_at = timezone.now() - datetime.timedelta(days=1)
    call.save()
    client.force_login(application.applicant)

    step = client.get(f"/en/mobility/applications/{application.pk}/submit/")
    page = client.get(f"/en/mobility/applications/{application.pk}/").content.decode()

    assert step.status_code == 302
    assert "can no longer be submitted" in page


def test_a_submit_the_deadline_overtakes_on_its_way_is_refused_like_a_late_one(client, monkeypatch):
    """The page let the submit through a moment before the deadline; the server's clock passes it while the
    submit waits for its turn: the draft stays a draft and the applicant lands on the page that says why."""
    application = ApplicationFactory()
    services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    submit_application = services.submit_application

    def submit_after_the_deadline(draft, **kwargs):
        with time_machine.travel(application.call.closes_at + datetime.timedelta(seconds=1), tick=False):
            return submit_application(draft, **kwargs)

    monkeypatch.setattr(services, "submit_application", submit_after_the_deadline)
    client.force_login(application.applicant)

    response = client.post(f"/en/mobility/applications/{application.pk}/submit/", {"confirm": "on"})

    assert response.status_code == 302 and response.url == application.get_absolute_url()
    application.refresh_from_db()
    assert application.status == Status.DRAFT and not application.transitions.exists()
    with time_machine.travel(application.call.closes_at + datetime.timedelta(seconds=1), tick=False):
        page = client.get(response.url).content.decode()
    assert "The deadline has passed: this draft can no longer be submitted." in page


def test_a_save_after_the_deadline_keeps_the_draft_as_it_was(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    with time_machine.travel(application.call.closes_at, tick=False):
        saved = client.post(f"/en/mobility/applications/{application.pk}/motivation/", {"motivation": "Too late"})

    assert saved.status_code == 302 and saved.url == application.get_absolute_url()
    application.refresh_from_db()
    assert application.motivation == ApplicationFactory.motivation


def test_another_persons_application_is_not_found(client):
    application = ApplicationFactory()
    client.force_login(UserFactory())

    assert client.get(f"/en/mobility/applications/{application.pk}/").status_code == 404
    assert client.get(f"/en/mobility/applications/{application.pk}/about/").status_code == 404
    assert client.post(f"/en/mobility/applications/{application.pk}/withdraw/").status_code == 404


def test_the_applicant_withdraws_from_my_applications(client):
    application = submitted()
    client.force_login(application.applicant)

    client.post(f"/en/mobility/applications/{application.pk}/withdraw/", {"comment": "Found a job"})

    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.transitions.last().comment == "Found a job"


def document_of(application):
    return application.documents.get()


def download(client, document):
    response = client.get(f"/en/mobility/documents/{document.pk}/")
    if response.status_code == 200:
        b"".join(response.streaming_content)
    return response


def test_documents_reach_only_the_applicant_the_calls_reviewers_and_office_staff(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    application = submitted()
    document = document_of(application)
    reviewer = UserFactory(role=User.Role.FACULTY)
    application.call.reviewers.add(reviewer)

    client.force_login(application.applicant)
    assert download(client, document)["Content-Type"] == "application/pdf"
    for person, expected in (
        (application.applicant, 200),
        (reviewer, 200),
        (StaffFactory(), 200),
        (UserFactory(), 404),
        (UserFactory(role=User.Role.FACULTY), 404),
    ):
        client.force_login(person)
        assert download(client, document).status_code == expected, person.role
    client.logout()
    assert client.get(f"/en/mobility/documents/{document.pk}/").status_code == 302


def test_documents_are_never_under_a_public_media_url(settings):
    application = submitted()
    document = document_of(application)

    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))
    assert document.get_absolute_url() == f"/en/mobility/documents/{document.pk}/"


def test_a_faculty_reviewer_scores_on_the_selection_pages(client):
    application = submitted()
    reviewer = UserFactory(role=User.Role.FACULTY)
    application.call.reviewers.add(reviewer)
    gpa, motivation = application.call.criteria.order_by("-weight")
    client.force_login(reviewer)

    listed = client.get("/en/mobility/review/").content.decode()
    saved = client.post(
        f"/en/mobility/review/applications/{application.pk}/",
        {f"criterion_{gpa.pk}": "80", f"criterion_{motivation.pk}": "60", "comment": "Strong"},
    )
    ranking = client.get(f"/en/mobility/review/{application.call.slug}/")

    assert application.call.title in listed
    assert saved.status_code == 302
    assert ranking.context["ranking"].entries[0].score == Decimal("72.00")
    assert "Confirm the selection" not in ranking.content.decode()  # reviewers score, the office decides


def test_a_reviewer_of_another_call_sees_nothing_of_this_one(client):
    application = submitted()
    outsider = UserFactory(role=User.Role.FACULTY)
    CallFactory().reviewers.add(outsider)
    client.force_login(outsider)

    assert client.get(f"/en/mobility/review/{application.call.slug}/").status_code == 404
    assert client.get(f"/en/mobility/review/applications/{application.pk}/").status_code == 404


def test_office_confirms_the_selection_and_exports_the_nominees_in_the_hosts_language(client, office):
    import openpyxl
    from pypdf import PdfReader

    host = PartnerFactory(name_en="Xinjiang University", name_zh_hans="新疆大学", language="zh-hans")
    call = CallFactory(partners=[host], places=1)
    application = submitted(call=call, applicant=UserFactory(full_name="Аружан Қасымова"))
    gpa, motivation = call.criteria.order_by("-weight")
    services.save_review(application, reviewer=office, points={gpa.pk: 90, motivation.pk: 90})

    client.post(f"/en/mobility/review/{call.slug}/close/")
    client.post(f"/en/mobility/review/{call.slug}/confirm/")
    xlsx = client.get(f"/en/mobility/review/{call.slug}/nominees-{host.pk}.xlsx")
    pdf = client.get(f"/en/mobility/review/{call.slug}/nominees-{host.pk}.pdf")

    assert Application.objects.get().status == Status.NOMINATED
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert "新疆大学" in sheet["A1"].value
    assert [cell.value for cell in sheet[4]][2] == "Аружан Қасымова"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Аружан Қасымова" in text
    assert pdf["Content-Type"] == "application/pdf"


def test_office_staff_who_applied_to_a_call_get_no_control_to_confirm_its_selection(client, office):
    call = CallFactory()
    ApplicationFactory(call=call, applicant=office)
    colleague = StaffFactory()

    own = client.get(f"/en/mobility/review/{call.slug}/").content.decode()
    client.force_login(colleague)
    theirs = client.get(f"/en/mobility/review/{call.slug}/").content.decode()

    confirm = f'action="/en/mobility/review/{call.slug}/confirm/"'
    assert confirm not in own
    assert "You applied to this call: another member of the international office confirms its selection." in own
    assert confirm in theirs


def test_a_student_cannot_reach_the_selection_pages(client):
    application = submitted()
    client.force_login(application.applicant)

    assert client.get("/en/mobility/review/").status_code == 404
    assert client.get(f"/en/mobility/review/{application.call.slug}/").status_code == 404
    assert client.post(f"/en/mobility/review/{application.call.slug}/confirm/").status_code == 404


def test_the_partner_page_counts_mobilities_per_year_and_direction(client):
    partner = PartnerFactory()
    for direction, year in (("outgoing", 2025), ("outgoing", 2025), ("incoming", 2025), ("incoming", 2026)):
        Mobility.objects.create(
            participant_name="Guest",
            direction=direction,
            partner=partner,
            mobility_type="semester",
            starts_on=datetime.date(year, 3, 1),
            ends_on=datetime.date(year, 6, 30),
        )

    rows = client.get(partner.get_absolute_url()).context["mobility_years"]

    assert rows == [
        {"year": 2026, "outgoing": 0, "incoming": 1},
        {"year": 2025, "outgoing": 2, "incoming": 1},
    ]


# ---------------------------------------------------------------- constant query counts


@pytest.mark.parametrize("count", [1, 5])
def test_the_call_page_costs_the_same_queries_whatever_the_call_holds(client, django_assert_num_queries, count):
    call = CallFactory(partners=[PartnerFactory() for _ in range(count)])
    call.faculties.set([UnitFactory(partner=None) for _ in range(count)])
    client.force_login(UserFactory())

    with django_assert_num_queries(9):  # with the bell's unread count; the session comes from the cache
        assert client.get(call.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_my_applications_costs_the_same_queries_for_few_or_many(client, django_assert_num_queries, count):
    student = UserFactory()
    for _ in range(count):
        application = ApplicationFactory(applicant=student)
        services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    client.force_login(student)

    with django_assert_num_queries(7):  # rendered afresh: the first request of this session; its session cached
        assert client.get("/en/mobility/applications/").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_the_ranking_page_costs_the_same_queries_for_few_or_many(client, office, django_assert_num_queries, count):
    call = CallFactory(places=2)
    gpa, motivation = call.criteria.order_by("-weight")
    for _ in range(count):
        services.save_review(submitted(call=call), reviewer=office, points={gpa.pk: 50, motivation.pk: 50})

    # One of them asks whether the reader applied to the call (then they may not confirm it).
    with django_assert_num_queries(15):  # the session comes from the cache
        assert client.get(f"/en/mobility/review/{call.slug}/").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/en/admin/mobility/exchangecall/", 10),  # the session comes from the cache
        ("/en/admin/mobility/application/", 11),
        ("/en/admin/mobility/mobility/", 11),  # the country filter reads the countries that occur
    ],
)
def test_the_admin_lists_cost_the_same_queries_for_few_or_many(
    client, office, django_assert_num_queries, count, url, queries
):
    call = CallFactory()
    for _ in range(count):
        application = submitted(call=call)
        application.status = Status.ACCEPTED
        application.host = call.partners.get()
        application.save()
        services.create_mobility(application, by=office)
    CallFactory()

    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_admin_bulk_changes_status_with_a_comment(client, office):
    first, second = submitted(), submitted()

    client.post(
        "/en/admin/mobility/application/",
        {
            "action": "change_status",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "to": "shortlisted",
            "comment": "Interview on Monday",
        },
    )

    assert set(Application.objects.values_list("status", flat=True)) == {"shortlisted"}
    assert first.transitions.last().comment == "Interview on Monday"
    assert first.transitions.last().by == office


@pytest.mark.parametrize("language", ["en", "kk"])
def test_the_admins_bulk_withdraw_refuses_a_draft_with_a_message_and_withdraws_the_others(client, office, language):
    draft, done = ApplicationFactory(), submitted()

    response = client.post(
        f"/{language}/admin/mobility/application/",
        {"action": "change_status", "_selected_action": [draft.pk, done.pk], "apply": "1", "to": "withdrawn"},
        follow=True,
    )

    assert response.status_code == 200
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {draft.pk: Status.DRAFT, done.pk: Status.WITHDRAWN}
    refusal = {"en": "A draft is withdrawn only by its applicant", "kk": "Қараламаны тек үміткердің өзі"}[language]
    assert refusal in response.content.decode()


def test_the_call_list_in_the_admin_counts_applications_per_status(client, office):
    call = CallFactory()
    submitted(call=call)
    submitted(call=call)
    ApplicationFactory(call=call)

    html = client.get("/en/admin/mobility/exchangecall/").content.decode()

    assert "Submitted: 2" in html
    assert "Draft: 1" in html


def test_office_records_mobilities_and_approves_learning_agreements_from_the_admin(client, office):
    from mobility.models import LearningAgreementCourse

    accepted = submitted()
    accepted.status, accepted.host = Status.ACCEPTED, accepted.call.partners.get()
    accepted.save()
    draft = ApplicationFactory()

    response = client.post(
        "/en/admin/mobility/application/",
        {"action": "create_mobilities", "_selected_action": [accepted.pk, draft.pk]},
        follow=True,
    )
    mobility = Mobility.objects.get()
    refused = client.post(
        "/en/admin/mobility/mobility/", {"action": "approve_learning_agreements", "_selected_action": [mobility.pk]}
    )
    LearningAgreementCourse.objects.create(
        mobility=mobility, host_course="Robotics", host_credits=4, home_course="Robotics", home_credits=5
    )
    client.post(
        "/en/admin/mobility/mobility/", {"action": "approve_learning_agreements", "_selected_action": [mobility.pk]}
    )

    assert mobility.application == accepted
    assert "Only an application accepted by the host becomes a mobility." in response.content.decode()
    assert refused.status_code == 302
    mobility.refresh_from_db()
    assert mobility.learning_agreement_approved_by == office


def scored(call, points, office, **kwargs):
    application = submitted(call=call, **kwargs)
    gpa, motivation = call.criteria.order_by("-weight")
    services.save_review(application, reviewer=office, points={gpa.pk: points, motivation.pk: points})
    return application


def test_the_ranking_tells_who_waits_for_the_second_stage_and_who_was_not_shortlisted(client, office):
    call = CallFactory(places=2, has_second_stage=True)
    interviewed = scored(call, 70, office)
    services.change_application_status(interviewed, to=Status.SHORTLISTED, by=office)
    scored(call, 95, office)
    page = f"/en/mobility/review/{call.slug}/"

    before = client.get(page).content.decode()
    client.post(f"/en/mobility/review/{call.slug}/close/")
    client.post(f"/en/mobility/review/{call.slug}/confirm/")
    after = client.get(page).content.decode()

    assert "waiting for the second stage" in before
    assert "not shortlisted after the second stage" not in before
    assert "not shortlisted after the second stage" in after


def test_confirming_says_how_many_are_nominated_and_waiting_in_the_readers_plural(client, office):
    from django.utils import translation
    from django.utils.translation import ngettext

    call = CallFactory(places=1, has_second_stage=True)
    for points in (90, 80):
        services.change_application_status(scored(call, points, office), to=Status.SHORTLISTED, by=office)
    scored(call, 95, office)  # still waits for the interview: neither nominated nor on the waiting list
    client.post(f"/en/mobility/review/{call.slug}/close/")

    answer = client.post(f"/en/mobility/review/{call.slug}/confirm/", follow=True).content.decode()

    assert "The selection is confirmed. 1 applicant is nominated. 1 applicant is on the waiting list." in answer
    waiting = ("%(count)d applicant is on the waiting list.", "%(count)d applicants are on the waiting list.")
    for language in ("kk", "ru", "zh-hans"):
        with translation.override(language):
            assert ngettext(*waiting, 1) != waiting[0]
    with translation.override("ru"):
        assert len({ngettext(*waiting, count) for count in (1, 2, 5)}) == 3


def test_office_confirms_only_after_closing_the_call_early_from_the_ranking_page(client, office):
    call = CallFactory(places=1)
    application = scored(call, 90, office)
    page = f"/en/mobility/review/{call.slug}/"

    shown = client.get(page).content.decode()
    refused = client.post(f"/en/mobility/review/{call.slug}/confirm/", follow=True).content.decode()
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    closed = client.post(f"/en/mobility/review/{call.slug}/close/", follow=True).content.decode()
    client.post(f"/en/mobility/review/{call.slug}/confirm/")

    assert f'href="/en/mobility/review/{call.slug}/close/"' in shown
    assert "the selection can be confirmed once the call is closed" in refused
    assert "Applications to this call are closed: the selection can now be confirmed." in closed
    assert "Applications were closed early on" in closed
    assert f'href="/en/mobility/review/{call.slug}/close/"' not in closed
    application.refresh_from_db()
    assert application.status == Status.NOMINATED


def test_a_faculty_reviewer_cannot_close_a_call_early(client):
    call = CallFactory()
    reviewer = UserFactory(role=User.Role.FACULTY)
    call.reviewers.add(reviewer)
    client.force_login(reviewer)

    assert client.post(f"/en/mobility/review/{call.slug}/close/").status_code == 404
    call.refresh_from_db()
    assert call.closed_early_at is None and call.is_open()


def test_nominee_lists_give_the_passport_spelling_and_follow_the_ranking(client, office):
    import openpyxl
    from pypdf import PdfReader

    host = PartnerFactory(name_en="Xinjiang University", name_zh_hans="新疆大学", language="zh-hans")
    call = CallFactory(partners=[host], places=2)
    first = UserFactory(full_name="Бекзат Ахметов", latin_name="Akhmetov Bekzat")
    second = UserFactory(full_name="Аружан Қасымова", latin_name="Kasymova Aruzhan")
    scored(call, 90, office, applicant=first)
    scored(call, 80, office, applicant=second, latin_name="Kassymova Aruzhan")  # the application's spelling wins
    client.post(f"/en/mobility/review/{call.slug}/close/")
    client.post(f"/en/mobility/review/{call.slug}/confirm/")

    page = client.get(f"/en/mobility/review/{call.slug}/").content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/en/mobility/review/{call.slug}/nominees-{host.pk}.xlsx").content)
    ).active
    pdf = client.get(f"/en/mobility/review/{call.slug}/nominees-{host.pk}.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()

    assert "Akhmetov Bekzat" in page and "Kassymova Aruzhan" in page
    rows = [[cell.value for cell in row][:3] for row in sheet.iter_rows(min_row=4)]
    assert rows == [[1, "Akhmetov Bekzat", "Бекзат Ахметов"], [2, "Kassymova Aruzhan", "Аружан Қасымова"]]
    assert "Akhmetov Bekzat" in text and text.index("Akhmetov Bekzat") < text.index("Kassymova Aruzhan")


def test_the_application_form_asks_the_passport_spelling_prefilled_from_the_account(client):
    student = UserFactory(latin_name="Akhmetov Bekzat")
    application = ApplicationFactory(applicant=student, latin_name="")
    client.force_login(student)

    shown = client.get(f"/en/mobility/applications/{application.pk}/about/").content.decode()
    client.post(
        f"/en/mobility/applications/{application.pk}/about/",
        {"latin_name": "Akhmetov Bekzat Serikuly", "level": application.level, "stay": "1"},
    )

    assert 'value="Akhmetov Bekzat"' in shown
    application.refresh_from_db()
    assert application.latin_name == "Akhmetov Bekzat Serikuly"


def test_the_admin_bulk_nomination_stops_at_the_calls_places(client, office):
    call = CallFactory(places=1)
    first, second = (scored(call, points, office) for points in (90, 80))
    for application in (first, second):
        services.change_application_status(application, to=Status.SHORTLISTED, by=office)

    answer = client.post(
        "/en/admin/mobility/application/",
        {"action": "change_status", "_selected_action": [first.pk, second.pk], "apply": "1", "to": "nominated"},
        follow=True,
    )

    assert Application.objects.filter(status=Status.NOMINATED).count() == 1
    assert "No place is left at the host institutions this applicant chose" in answer.content.decode()


# ---------------------------------------------------------------- withdrawing, re-applying, who may apply


def test_withdrawing_asks_to_confirm_on_a_page_that_says_what_is_lost(client):
    application = submitted()
    client.force_login(application.applicant)
    detail = client.get(f"/en/mobility/applications/{application.pk}/").content.decode()

    page = client.get(f"/en/mobility/applications/{application.pk}/withdraw/")

    assert f'<form method="get" action="/en/mobility/applications/{application.pk}/withdraw/">' in detail
    assert page.status_code == 200
    html = page.content.decode()
    assert "leaves the selection" in html
    assert "This cannot be undone." in html
    assert "you may start a new application to this call" in html
    assert f'<form method="post" action="/en/mobility/applications/{application.pk}/withdraw/">' in html
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # opening the page changes nothing


def test_the_confirmation_warns_a_nominee_that_the_place_is_given_up(client):
    application = submitted()
    staff = StaffFactory()
    services.change_application_status(application, to=Status.SHORTLISTED, by=staff)
    services.change_application_status(application, to=Status.NOMINATED, by=staff)
    client.force_login(application.applicant)

    html = client.get(f"/en/mobility/applications/{application.pk}/withdraw/").content.decode()

    assert 'class="message message-error" role="alert"' in html
    assert f"You are nominated to {application.call.partners.get()}" in html
    assert "gives up this place for good" in html


def test_withdrawing_a_draft_after_confirming_deletes_it_and_the_student_may_start_again(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)

    confirm = client.get(f"/en/mobility/applications/{application.pk}/withdraw/").content.decode()
    done = client.post(f"/en/mobility/applications/{application.pk}/withdraw/", follow=True)

    assert "Your draft is deleted with all its answers and uploaded documents." in confirm
    assert done.status_code == 200
    assert "Your draft is deleted." in done.content.decode()
    assert not Application.objects.exists()
    assert "Start my application" in done.content.decode()  # back on the call's page


def test_after_withdrawing_the_student_applies_again_from_the_call_page(client):
    application = submitted()
    client.force_login(application.applicant)
    client.post(f"/en/mobility/applications/{application.pk}/withdraw/", {"comment": "Wrong host"})

    page = client.get(application.call.get_absolute_url()).content.decode()
    started = client.post(f"/en/mobility/{application.call.slug}/apply/")

    assert "you may apply again until the deadline" in page
    assert "Start my application" in page
    again = Application.objects.get(status=Status.DRAFT)
    assert again.pk != application.pk
    assert started.url == f"/en/mobility/applications/{again.pk}/about/"


def test_a_withdrawn_or_decided_application_is_not_withdrawn_again(client):
    withdrawn, accepted = submitted(), submitted()
    services.withdraw_application(withdrawn, by=withdrawn.applicant)
    Application.objects.filter(pk=accepted.pk).update(status=Status.ACCEPTED)

    client.force_login(withdrawn.applicant)
    again = client.get(f"/en/mobility/applications/{withdrawn.pk}/withdraw/", follow=True)
    client.force_login(accepted.applicant)
    late = client.post(f"/en/mobility/applications/{accepted.pk}/withdraw/", follow=True)

    assert "This application is withdrawn already." in again.content.decode()
    assert "After a final decision, ask the international office." in late.content.decode()
    assert Application.objects.get(pk=accepted.pk).status == Status.ACCEPTED


def test_a_staff_only_call_offers_no_apply_button_to_a_student_and_lets_no_student_in(client):
    call = CallFactory(levels=["staff"])
    student = UserFactory()
    client.force_login(student)

    page = client.get(call.get_absolute_url()).content.decode()
    refused = client.post(f"/en/mobility/{call.slug}/apply/", follow=True)

    assert "Only teaching staff can apply to this call." in page
    assert "Start my application" not in page
    assert "Only teaching staff can apply to this call." in refused.content.decode()
    assert not Application.objects.exists()


def test_a_draft_to_a_call_that_does_not_admit_its_applicant_opens_no_step(client):
    application = ApplicationFactory(call=CallFactory(levels=["staff"]), level="staff")
    client.force_login(application.applicant)

    response = client.get(f"/en/mobility/applications/{application.pk}/about/", follow=True)

    assert response.redirect_chain[0][0] == f"/en/mobility/applications/{application.pk}/"
    assert "Only teaching staff can apply to this call." in response.content.decode()


def test_staff_see_the_apply_button_of_a_staff_call(client):
    call = CallFactory(levels=["staff"])
    client.force_login(UserFactory(role=User.Role.STAFF))

    page = client.get(call.get_absolute_url()).content.decode()

    assert "Start my application" in page


# ---------------------------------------------------------------- uploads and answers


def test_one_refused_upload_keeps_the_valid_files_of_the_same_submit_and_names_the_refused_one(client):
    application = ApplicationFactory(call=CallFactory(document_kinds=["transcript", "cv"]))
    client.force_login(application.applicant)
    good = SimpleUploadedFile("my-transcript.pdf", pdf_bytes(), content_type="application/pdf")
    bad = SimpleUploadedFile("my-cv.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")

    response = client.post(f"/en/mobility/applications/{application.pk}/documents/", {"transcript": good, "cv": bad})

    html = response.content.decode()
    assert response.status_code == 400
    assert list(application.documents.values_list("original_name", flat=True)) == ["my-transcript.pdf"]
    assert "«my-cv.pdf» is not saved: This file is not a readable PDF file." in html
    assert "1 file is saved." in html


def test_the_refusal_of_an_upload_is_in_the_readers_language(client):
    application = ApplicationFactory(call=CallFactory(document_kinds=["transcript"]))
    client.force_login(application.applicant)
    bad = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")

    html = client.post(f"/ru/mobility/applications/{application.pk}/documents/", {"transcript": bad}).content.decode()

    assert "«scan.pdf»" in html
    assert "is not saved" not in html
    assert "not a readable" not in html


def test_the_check_step_and_the_submitted_application_show_every_answer(client):
    application = ApplicationFactory(
        phone="+7 701 555 01 02", motivation="Robotics at a strong lab", latin_name="Dauren Ospanov"
    )
    services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    client.force_login(application.applicant)
    base = f"/en/mobility/applications/{application.pk}"

    check = client.get(f"{base}/submit/").content.decode()
    client.post(f"{base}/submit/", {"confirm": "on"})
    after = client.get(f"{base}/").content.decode()

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    for html in (check, after):
        for text in (
            "Name in Latin letters</dt><dd>Dauren Ospanov</dd>",
            "Year of study</dt><dd>3</dd>",
            "Academic debts</dt><dd>No</dd>",
            "GPA</dt><dd>3.40</dd>",
            "Credits completed</dt><dd>90</dd>",
            "Language level</dt><dd>B2</dd>",
            "Phone</dt><dd>+7 701 555 01 02</dd>",
            "Robotics at a strong lab",
            "t.pdf",
        ):
            assert text in html


def test_closing_a_call_early_asks_to_confirm_on_a_page_that_says_what_it_does(client, office):
    call = CallFactory()
    page = f"/en/mobility/review/{call.slug}/"
    close = f"/en/mobility/review/{call.slug}/close/"

    ranking = client.get(page).content.decode()
    asked = client.get(close)
    call.refresh_from_db()
    still_open = call.is_open()
    client.post(close)
    call.refresh_from_db()

    assert f'href="{close}"' in ranking and f'action="{close}"' not in ranking
    assert asked.status_code == 200
    assert "This cannot be undone." in asked.content.decode() and f'action="{close}"' in asked.content.decode()
    assert still_open and not call.is_open() and call.closed_early_by == office


def test_once_the_selection_is_confirmed_it_is_not_offered_again_and_a_repeated_post_is_refused(client, office):
    call = CallFactory(places=1)
    scored(call, 90, office)
    scored(call, 80, office)
    client.post(f"/en/mobility/review/{call.slug}/close/")
    client.post(f"/en/mobility/review/{call.slug}/confirm/")

    page = client.get(f"/en/mobility/review/{call.slug}/").content.decode()
    again = client.post(f"/en/mobility/review/{call.slug}/confirm/", follow=True).content.decode()

    assert f'action="/en/mobility/review/{call.slug}/confirm/"' not in page
    assert "it cannot be confirmed again" in again
    assert "The selection is confirmed. 0" not in again
    assert Application.objects.filter(status=Status.NOMINATED).count() == 1


def test_after_the_selection_the_ranking_shows_everyone_it_ranked_with_their_status_now(client, office):
    call = CallFactory(places=1)
    first = scored(call, 90, office, applicant=UserFactory(full_name="Ерлан Тоқтаров"))
    second = scored(call, 80, office, applicant=UserFactory(full_name="Аружан Қасымова"))
    client.post(f"/en/mobility/review/{call.slug}/close/")
    client.post(f"/en/mobility/review/{call.slug}/confirm/")
    services.change_application_status(Application.objects.get(pk=first.pk), to=Status.ACCEPTED, by=office)

    entries = services.rank_applications(call).entries
    page = client.get(f"/en/mobility/review/{call.slug}/").content.decode()

    assert [(e.position, e.application.pk, e.application.status) for e in entries] == [
        (1, first.pk, Status.ACCEPTED),
        (2, second.pk, Status.WAITLISTED),
    ]
    assert page.index("Ерлан Тоқтаров") < page.index("Аружан Қасымова")


def test_the_call_page_says_a_draft_is_in_progress_with_a_link_to_continue_it(client):
    student = UserFactory()
    call = CallFactory()
    draft = ApplicationFactory(call=call, applicant=student)
    client.force_login(student)

    page = client.get(f"/en/mobility/{call.slug}/").content.decode()

    assert draft.status == Status.DRAFT
    assert "You have applied to this call." not in page
    assert "a draft in progress" in page and f'href="/en/mobility/applications/{draft.pk}/">Continue your draft' in page
