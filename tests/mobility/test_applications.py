import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import User
from mobility import services
from mobility.models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    CallHost,
    Mobility,
    PriorityCategory,
)
from tests.factories import ApplicationFactory, CallFactory, PartnerFactory, StaffFactory, UnitFactory, UserFactory
from tests.helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db
Status = Application.Status


def upload(application, kind="transcript", content=None, name="transcript.pdf"):
    return services.upload_document(
        application, kind=kind, file=SimpleUploadedFile(name, content if content is not None else pdf_bytes())
    )


def after_deadline(call):
    """A moment after the call closes: its selection may be confirmed then."""
    return call.closes_at + datetime.timedelta(minutes=1)


def submitted(**kwargs):
    application = ApplicationFactory(**kwargs)
    upload(application)
    return services.submit_application(application, by=application.applicant)


# ---------------------------------------------------------------- eligibility


@pytest.mark.parametrize(
    ("answers", "phrase"),
    [
        ({"gpa": Decimal("2.50")}, "Your GPA 2.50 is below the minimum of 2.80."),
        ({"credits": 45}, "You have completed 45 credits; the call asks for at least 60."),
        ({"language_level": "A2"}, "Your language level A2 is below the required B1."),
        ({"year_of_study": 1}, "The call is open from year 2 of study; you are in year 1."),
        ({"has_academic_debts": True}, "Applicants must have no academic debts."),
        ({"level": "master"}, "This call is for: bachelor students."),
    ],
)
def test_each_eligibility_rule_names_what_the_applicant_fails(answers, phrase):
    application = ApplicationFactory(**answers)

    assert [str(failure) for failure in application.eligibility_failures()] == [phrase]


def test_an_applicant_who_meets_every_rule_has_no_failures_and_the_gpa_boundary_counts():
    application = ApplicationFactory(gpa=Decimal("2.80"), credits=60, year_of_study=2, language_level="B1")

    assert application.eligibility_failures() == []


def test_a_call_limited_to_faculties_refuses_another_faculty():
    call = CallFactory()
    call.faculties.set([UnitFactory(partner=None)])

    application = ApplicationFactory(call=call)

    assert [str(f) for f in application.eligibility_failures()] == ["This call is not open to your faculty."]


def test_eligibility_is_told_in_the_applicants_language():
    application = ApplicationFactory(gpa=Decimal("2.50"))

    with translation.override("kk"):
        message = str(application.eligibility_failures()[0])

    assert "2.50" in message
    assert "GPA" in message
    assert message != "Your GPA 2.50 is below the minimum of 2.80."


def test_an_ineligible_application_cannot_be_submitted():
    application = ApplicationFactory(gpa=Decimal("2.10"))
    upload(application)

    with pytest.raises(ValidationError) as error:
        services.submit_application(application, by=application.applicant)

    assert "Your GPA 2.10 is below the minimum of 2.80." in error.value.messages
    assert Application.objects.get().status == Status.DRAFT


# ---------------------------------------------------------------- drafts, deadline, documents


def test_nothing_can_be_submitted_without_the_required_documents():
    application = ApplicationFactory()

    with pytest.raises(ValidationError) as error:
        services.submit_application(application, by=application.applicant)

    assert "transcript of records" in error.value.messages[0]


def test_a_complete_eligible_draft_is_submitted_and_the_step_is_recorded():
    application = submitted()

    assert application.status == Status.SUBMITTED
    assert application.submitted_at is not None
    transition = ApplicationTransition.objects.get()
    assert (transition.from_status, transition.to_status, transition.by) == (
        "draft",
        "submitted",
        application.applicant,
    )


def test_nothing_is_submitted_or_changed_after_the_deadline():
    application = ApplicationFactory()
    upload(application)
    later = application.call.closes_at + datetime.timedelta(seconds=1)

    with time_machine.travel(later, tick=False):
        with pytest.raises(ValidationError, match="deadline"):
            services.submit_application(application, by=application.applicant)
        with pytest.raises(ValidationError, match="deadline"):
            services.save_draft(application, values={"gpa": Decimal("3.9")})

    assert Application.objects.get().status == Status.DRAFT


def test_a_renamed_executable_is_refused_as_a_document():
    application = ApplicationFactory()
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200

    with pytest.raises(ValidationError) as error:
        upload(application, content=executable, name="transcript.pdf")

    assert error.value.messages == ["This file is not a readable PDF file. Allowed: PDF."]
    assert not ApplicationDocument.objects.exists()


def test_a_broken_pdf_is_refused_by_content():
    application = ApplicationFactory()

    with pytest.raises(ValidationError):
        upload(application, content=b"%PDF-1.7\nthis is not really a pdf")


def test_an_oversized_document_gets_a_clear_error():
    application = ApplicationFactory()
    huge = pdf_bytes() + b"\n%" + b"0" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as error:
        upload(application, content=huge)

    assert error.value.messages[0].startswith("The file is 10.0")
    assert "the largest allowed is 10.0\xa0MB" in error.value.messages[0]


def test_an_image_is_accepted_only_where_the_kind_allows_it():
    call = CallFactory(document_kinds=["transcript", "passport"])
    application = ApplicationFactory(call=call)

    upload(application, kind="passport", content=png_bytes(), name="passport.png")
    with pytest.raises(ValidationError, match="PDF"):
        upload(application, kind="transcript", content=png_bytes(), name="transcript.png")

    assert list(application.documents.values_list("kind", flat=True)) == ["passport"]


def test_a_new_upload_replaces_the_old_document():
    application = ApplicationFactory()
    upload(application, name="old.pdf")
    upload(application, name="new.pdf")

    assert list(application.documents.values_list("original_name", flat=True)) == ["new.pdf"]


def test_one_application_per_person_and_call_in_the_database():
    application = ApplicationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=application.call, applicant=application.applicant)


def test_starting_twice_returns_the_same_draft_and_a_closed_call_refuses_new_ones():
    call = CallFactory()
    student = UserFactory()

    first = services.start_application(call, applicant=student)
    again = services.start_application(call, applicant=student)
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.opens_at = call.closes_at - datetime.timedelta(days=1)
    call.save()

    assert first == again
    assert first.level == "bachelor"
    assert list(first.choices.values_list("partner", flat=True)) == list(call.partners.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.start_application(call, applicant=UserFactory())


def test_host_choices_are_ranked_and_only_from_the_call():
    first, second = PartnerFactory(), PartnerFactory()
    application = ApplicationFactory(call=CallFactory(partners=[first, second]), choices=[])

    services.choose_hosts(application, partners=[second, first])

    assert [c.partner for c in application.choices.all()] == [second, first]
    with pytest.raises(ValidationError):
        services.choose_hosts(application, partners=[PartnerFactory()])
    with pytest.raises(ValidationError):
        services.choose_hosts(application, partners=[first, first])


# ---------------------------------------------------------------- lifecycle and who may move it


# The lifecycle as the office runs it, written out here so that a wrong table in the code fails.
OFFICE_MOVES = {
    "submitted": {"under_review", "shortlisted", "rejected", "withdrawn"},
    "under_review": {"shortlisted", "nominated", "waitlisted", "rejected", "withdrawn"},
    "shortlisted": {"nominated", "waitlisted", "rejected", "withdrawn"},
    "waitlisted": {"nominated", "rejected", "withdrawn"},
    "nominated": {"accepted", "rejected", "waitlisted", "withdrawn"},
    "accepted": {"completed", "withdrawn"},
    "completed": set(),
    "rejected": set(),
    "withdrawn": set(),
}


def test_the_lifecycle_in_the_code_is_the_one_the_office_runs():
    table = {str(start): {str(t) for t in targets} for start, targets in services.APPLICATION_TRANSITIONS.items()}
    assert table == {"draft": {"submitted"}, **OFFICE_MOVES}  # withdrawing a draft deletes it
    assert {str(s) for s in services.APPLICANT_WITHDRAWABLE} == {
        "draft",
        "submitted",
        "under_review",
        "shortlisted",
        "waitlisted",
        "nominated",
    }


@pytest.mark.parametrize(
    ("start", "target"), [(start, target) for start, targets in OFFICE_MOVES.items() for target in sorted(targets)]
)
def test_office_staff_make_every_allowed_transition_and_it_is_recorded(start, target):
    application = ApplicationFactory(status=start, submitted_at=timezone.now())
    staff = StaffFactory()

    services.change_application_status(application, to=target, by=staff, comment="Checked")

    application.refresh_from_db()
    assert application.status == target
    transition = application.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by, transition.comment) == (
        start,
        target,
        staff,
        "Checked",
    )


@pytest.mark.parametrize("start", [Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN])
def test_final_statuses_cannot_move(start):
    application = ApplicationFactory(status=start, submitted_at=timezone.now())

    with pytest.raises(ValidationError):
        services.change_application_status(application, to=Status.SHORTLISTED, by=StaffFactory())


@pytest.mark.parametrize("target", [Status.UNDER_REVIEW, Status.SHORTLISTED, Status.NOMINATED, Status.REJECTED])
def test_applicants_and_faculty_reviewers_cannot_decide(target):
    application = ApplicationFactory(status=Status.SUBMITTED, submitted_at=timezone.now())
    reviewer = UserFactory(role=User.Role.FACULTY)
    application.call.reviewers.add(reviewer)

    for person in (application.applicant, reviewer, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.change_application_status(application, to=target, by=person)


@pytest.mark.parametrize("start", sorted(set(services.APPLICANT_WITHDRAWABLE) - {Status.DRAFT}))
def test_the_applicant_withdraws_before_a_final_decision(start):
    application = ApplicationFactory(status=start, submitted_at=timezone.now())

    services.change_application_status(application, to=Status.WITHDRAWN, by=application.applicant)

    assert Application.objects.get().status == Status.WITHDRAWN


@pytest.mark.parametrize("start", sorted(set(services.APPLICANT_WITHDRAWABLE) - {Status.DRAFT}))
def test_withdrawing_a_submitted_application_keeps_it_on_record_as_withdrawn(start):
    application = ApplicationFactory(status=start, submitted_at=timezone.now())

    kept = services.withdraw_application(application, by=application.applicant, comment="Found a job")

    assert kept.status == Application.objects.get().status == Status.WITHDRAWN
    assert kept.transitions.get().comment == "Found a job"


def test_withdrawing_a_draft_deletes_it_with_its_documents(django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    document = upload(application)
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert services.withdraw_application(application, by=application.applicant) is None

    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert not storage.exists(name)


def test_nobody_but_the_applicant_withdraws_a_draft_and_the_office_is_told_why():
    application = ApplicationFactory()

    with pytest.raises(PermissionDenied):
        services.withdraw_application(application, by=StaffFactory())
    with pytest.raises(ValidationError, match="only by its applicant"):
        services.change_application_status(application, to=Status.WITHDRAWN, by=StaffFactory())
    with pytest.raises(ValidationError, match="only by its applicant"):
        services.change_application_status(application, to=Status.WITHDRAWN, by=application.applicant)

    assert Application.objects.get().status == Status.DRAFT


def test_after_withdrawing_before_the_deadline_the_applicant_starts_a_new_application():
    application = submitted()
    services.withdraw_application(application, by=application.applicant)

    again = services.start_application(application.call, applicant=application.applicant)

    assert again.pk != application.pk
    assert again.status == Status.DRAFT
    assert services.start_application(application.call, applicant=application.applicant) == again
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(call=application.call, applicant=application.applicant)


def test_after_the_deadline_a_withdrawn_applicant_cannot_start_again():
    application = submitted()
    services.withdraw_application(application, by=application.applicant)
    call = application.call
    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.opens_at = call.closes_at - datetime.timedelta(days=20)
    call.save()

    with pytest.raises(ValidationError, match="does not accept applications now"):
        services.start_application(call, applicant=application.applicant)


@pytest.mark.parametrize(
    ("levels", "role", "admitted"),
    [
        (["staff"], User.Role.STUDENT, False),
        (["staff"], User.Role.STAFF, True),
        (["staff"], User.Role.FACULTY, True),
        (["bachelor"], User.Role.STAFF, False),
        (["bachelor"], User.Role.STUDENT, True),
        (["master", "staff"], User.Role.STUDENT, True),
    ],
)
def test_only_people_the_call_admits_start_an_application(levels, role, admitted):
    call = CallFactory(levels=levels)
    person = UserFactory(role=role)

    if admitted:
        assert services.start_application(call, applicant=person).status == Status.DRAFT
    else:
        with pytest.raises(ValidationError, match="can apply to this call"):
            services.start_application(call, applicant=person)
        assert not Application.objects.exists()


def test_a_student_with_academic_debts_submits_to_a_call_that_allows_them():
    application = ApplicationFactory(call=CallFactory(no_academic_debts=False), has_academic_debts=True)
    upload(application)

    services.submit_application(application, by=application.applicant)

    assert Application.objects.get().status == Status.SUBMITTED


def test_one_refused_file_leaves_the_other_files_of_the_same_upload_stored():
    application = ApplicationFactory(call=CallFactory(document_kinds=["transcript", "cv", "passport"]))
    files = {
        "transcript": SimpleUploadedFile("transcript.pdf", pdf_bytes()),
        "cv": SimpleUploadedFile("cv.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        "passport": SimpleUploadedFile("passport.png", png_bytes()),
    }

    refused = services.upload_documents(application, files=files)

    assert list(refused) == ["cv"]
    assert "not a readable PDF file" in refused["cv"].messages[0]
    assert set(application.documents.values_list("kind", flat=True)) == {"transcript", "passport"}


def test_the_applicant_cannot_withdraw_after_acceptance_nor_someone_elses_application():
    accepted = ApplicationFactory(status=Status.ACCEPTED, submitted_at=timezone.now())
    other = ApplicationFactory(status=Status.SUBMITTED, submitted_at=timezone.now())

    with pytest.raises(ValidationError):
        services.change_application_status(accepted, to=Status.WITHDRAWN, by=accepted.applicant)
    with pytest.raises(PermissionDenied):
        services.change_application_status(other, to=Status.WITHDRAWN, by=accepted.applicant)


def test_every_status_change_is_emailed_to_the_applicant_in_their_language(django_capture_on_commit_callbacks):
    application = ApplicationFactory(applicant=UserFactory(language="kk"))
    upload(application)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, by=application.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_application_status(application, to=Status.SHORTLISTED, by=StaffFactory(), comment="Жарайсың")

    assert [message.to for message in mail.outbox] == [[application.applicant.email]] * 2
    assert "Жарайсың" in mail.outbox[1].body
    assert f"/kk/mobility/applications/{application.pk}/" in mail.outbox[1].body
    with translation.override("kk"):
        assert str(Status.SHORTLISTED.label) in mail.outbox[1].subject
    assert mail.outbox[1].alternatives[0][1] == "text/html"


# ---------------------------------------------------------------- reviews, ranking, waiting list


def scored(call, points, reviewer=None, **kwargs):
    """A submitted application of this call with one review giving these points to the GPA and motivation."""
    application = submitted(call=call, **kwargs)
    gpa, motivation = call.criteria.order_by("-weight")
    services.save_review(
        application, reviewer=reviewer or StaffFactory(), points={gpa.pk: points[0], motivation.pk: points[1]}
    )
    return application


def test_a_review_scores_every_criterion_and_moves_the_application_to_review():
    call = CallFactory()
    application = scored(call, (80, 50))

    ranking = services.rank_applications(call)

    assert Application.objects.get().status == Status.UNDER_REVIEW
    assert ranking.entries[0].score == Decimal("68.00")  # 80 * 60 % + 50 * 40 %
    assert ranking.entries[0].application == application


def test_points_outside_0_to_100_are_refused():
    call = CallFactory()
    application = submitted(call=call)
    gpa, motivation = call.criteria.order_by("-weight")

    with pytest.raises(ValidationError):
        services.save_review(application, reviewer=StaffFactory(), points={gpa.pk: 101, motivation.pk: 10})


def test_only_office_staff_and_the_calls_reviewers_may_score():
    call = CallFactory()
    application = submitted(call=call)
    gpa, _motivation = call.criteria.order_by("-weight")
    assigned = UserFactory(role=User.Role.FACULTY)
    call.reviewers.add(assigned)

    services.save_review(application, reviewer=assigned, points={gpa.pk: 70})
    for outsider in (UserFactory(role=User.Role.FACULTY), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.save_review(application, reviewer=outsider, points={gpa.pk: 70})


def test_two_reviewers_are_averaged_and_a_partial_review_does_not_rank():
    call = CallFactory()
    application = scored(call, (80, 80))
    gpa, motivation = call.criteria.order_by("-weight")
    services.save_review(application, reviewer=StaffFactory(), points={gpa.pk: 60, motivation.pk: 60})
    partial = submitted(call=call)
    services.save_review(partial, reviewer=StaffFactory(), points={gpa.pk: 100})

    ranking = services.rank_applications(call)

    assert [(e.application, e.score, e.reviews) for e in ranking.entries] == [(application, Decimal("70.00"), 2)]
    assert [e.application for e in ranking.unscored] == [partial]


def test_ties_are_broken_by_priority_category_then_gpa_then_submission_and_say_so():
    call = CallFactory(places=4)
    category = PriorityCategory.objects.create(name="Large families")
    call.priority_categories.add(category)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=3)):
        early = scored(call, (70, 70), gpa=Decimal("3.00"))
    late = scored(call, (70, 70), gpa=Decimal("3.00"))
    high_gpa = scored(call, (70, 70), gpa=Decimal("3.90"))
    priority = scored(call, (70, 70), gpa=Decimal("2.90"), priority_category=category)
    best = scored(call, (90, 90))

    entries = services.rank_applications(call).entries

    assert [e.application for e in entries] == [best, priority, high_gpa, early, late]
    assert [e.tie_broken_by for e in entries] == [
        "",
        "priority category",
        "GPA",
        "time of submission",
        "time of submission",
    ]


def test_places_are_filled_in_order_of_choice_with_host_limits_and_the_rest_wait():
    urumqi, almaty = PartnerFactory(), PartnerFactory()
    call = CallFactory(partners=[urumqi, almaty], places=3)
    CallHost.objects.filter(call=call, partner=urumqi).update(places=1)
    first = scored(call, (95, 95), choices=[urumqi, almaty])
    second = scored(call, (90, 90), choices=[urumqi, almaty])
    third = scored(call, (85, 85), choices=[urumqi])
    fourth = scored(call, (80, 80), choices=[almaty])
    fifth = scored(call, (75, 75), choices=[almaty])

    entries = {e.application: e for e in services.rank_applications(call).entries}

    assert entries[first].host == urumqi
    assert entries[second].host == almaty  # the first choice is full
    assert entries[third].host is None and entries[third].waitlist_position == 1
    assert entries[fourth].host == almaty
    assert entries[fifth].host is None and entries[fifth].waitlist_position == 2  # all three places are taken


def test_confirming_nominates_and_waitlists_and_a_withdrawal_moves_the_waiting_list_up(
    django_capture_on_commit_callbacks,
):
    call = CallFactory(places=1)
    office = StaffFactory()
    winner = scored(call, (90, 90))
    runner_up = scored(call, (80, 80))
    third = scored(call, (70, 70))

    services.confirm_selection(call, by=office, now=after_deadline(call))
    winner.refresh_from_db()
    runner_up.refresh_from_db()
    assert (winner.status, winner.host) == (Status.NOMINATED, call.partners.get())
    assert (runner_up.status, runner_up.waitlist_position) == (Status.WAITLISTED, 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.change_application_status(winner, to=Status.WITHDRAWN, by=winner.applicant)

    runner_up.refresh_from_db()
    third.refresh_from_db()
    assert (runner_up.status, runner_up.host, runner_up.waitlist_position) == (
        Status.NOMINATED,
        call.partners.get(),
        None,
    )
    assert (third.status, third.waitlist_position) == (Status.WAITLISTED, 1)
    told = [message for message in mail.outbox if message.to == [runner_up.applicant.email]]
    assert "You have moved up from the waiting list." in told[-1].body


def test_only_office_staff_confirm_a_selection():
    call = CallFactory()
    reviewer = UserFactory(role=User.Role.FACULTY)
    call.reviewers.add(reviewer)
    scored(call, (90, 90))

    with pytest.raises(PermissionDenied):
        services.confirm_selection(call, by=reviewer)


# ---------------------------------------------------------------- realised mobility


def test_an_accepted_application_becomes_one_mobility_and_its_learning_agreement_is_approved():
    from mobility.models import LearningAgreementCourse

    application = ApplicationFactory(status=Status.ACCEPTED, submitted_at=timezone.now())
    application.host = application.call.partners.get()
    application.save()
    office = StaffFactory()

    mobility = services.create_mobility(application, by=office)
    again = services.create_mobility(application, by=office)
    with pytest.raises(ValidationError):
        services.approve_learning_agreement(mobility, by=office)
    LearningAgreementCourse.objects.create(
        mobility=mobility, host_course="Chinese I", host_credits=4, home_course="Chinese", home_credits=5
    )
    services.approve_learning_agreement(mobility, by=office)

    assert mobility == again
    assert (mobility.partner, mobility.direction, mobility.starts_on) == (
        application.host,
        "outgoing",
        application.call.mobility_starts_on,
    )
    assert mobility.learning_agreement_approved_by == office


def test_a_draft_does_not_become_a_mobility():
    with pytest.raises(ValidationError):
        services.create_mobility(ApplicationFactory(), by=StaffFactory())


@pytest.mark.parametrize(
    ("start", "target"),
    [(start, target) for start in OFFICE_MOVES for target in OFFICE_MOVES if target not in OFFICE_MOVES[start]],
)
def test_every_other_move_is_refused(start, target):
    application = ApplicationFactory(status=start, submitted_at=timezone.now())

    with pytest.raises((ValidationError, PermissionDenied)):
        services.change_application_status(application, to=target, by=StaffFactory())

    assert Application.objects.get().status == start


def test_nobody_scores_or_decides_on_their_own_application():
    office = StaffFactory()
    call = CallFactory(levels=["staff"])
    application = submitted(call=call, applicant=office, level="staff")
    gpa, _motivation = call.criteria.order_by("-weight")

    with pytest.raises(PermissionDenied):
        services.save_review(application, reviewer=office, points={gpa.pk: 100})
    with pytest.raises(PermissionDenied):
        services.change_application_status(application, to=Status.SHORTLISTED, by=office)
    with pytest.raises(PermissionDenied):
        services.confirm_selection(call, by=office, now=after_deadline(call))


def test_staff_cannot_apply_at_a_student_level():
    application = ApplicationFactory(applicant=UserFactory(role=User.Role.FACULTY))

    assert "Only students can apply at a student level." in [str(f) for f in application.eligibility_failures()]


def test_a_second_confirmation_never_gives_more_places_than_the_call_has():
    call = CallFactory(places=1)
    office = StaffFactory()
    first = scored(call, (90, 90))
    services.confirm_selection(call, by=office, now=after_deadline(call))
    services.change_application_status(first, to=Status.ACCEPTED, by=office)
    late = scored(call, (95, 95))

    with pytest.raises(ValidationError) as again:
        services.confirm_selection(call, by=office, now=after_deadline(call))

    late.refresh_from_db()
    assert again.value.code == "already_confirmed"
    assert late.status == Status.UNDER_REVIEW
    assert Application.objects.filter(status__in=["nominated", "accepted"]).count() == 1


def test_when_someone_on_the_waiting_list_withdraws_the_others_move_up_a_place():
    call = CallFactory(places=1)
    office = StaffFactory()
    scored(call, (90, 90))
    second = scored(call, (80, 80))
    third = scored(call, (70, 70))
    services.confirm_selection(call, by=office, now=after_deadline(call))

    services.change_application_status(second, to=Status.WITHDRAWN, by=second.applicant)

    third.refresh_from_db()
    assert (third.status, third.waitlist_position) == (Status.WAITLISTED, 1)


def test_with_a_second_stage_only_the_shortlisted_are_nominated_or_wait():
    call = CallFactory(places=2, has_second_stage=True)
    office = StaffFactory()
    interviewed = scored(call, (70, 70))
    services.change_application_status(interviewed, to=Status.SHORTLISTED, by=office)
    not_interviewed = scored(call, (95, 95))

    services.confirm_selection(call, by=office, now=after_deadline(call))

    interviewed.refresh_from_db()
    not_interviewed.refresh_from_db()
    assert interviewed.status == Status.NOMINATED
    assert not_interviewed.status == Status.UNDER_REVIEW


def test_a_decompression_bomb_is_refused_without_an_error_page():
    import io

    from PIL import Image

    application = ApplicationFactory(call=CallFactory(document_kinds=["passport"]))
    output = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(output, format="PNG")

    with pytest.raises(ValidationError):
        upload(application, kind="passport", content=output.getvalue(), name="passport.png")


def test_a_pdf_without_a_page_tree_is_refused():
    application = ApplicationFactory()
    hollow = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    with pytest.raises(ValidationError):
        upload(application, content=hollow)


# ---------------------------------------------------------------- confirming: only once the call is closed


def test_a_selection_is_not_confirmed_while_the_call_still_accepts_applications():
    call = CallFactory(places=1)
    office = StaffFactory()
    application = scored(call, (90, 90))

    with pytest.raises(ValidationError) as refused:
        services.confirm_selection(call, by=office)

    assert refused.value.code == "call_still_open"
    assert "the selection can be confirmed once the call is closed" in refused.value.messages[0]
    application.refresh_from_db()
    call.refresh_from_db()
    assert (application.status, call.selection_confirmed_at) == (Status.UNDER_REVIEW, None)


def test_office_staff_close_a_call_early_and_it_is_recorded_then_the_selection_is_confirmed():
    call = CallFactory(places=1)
    office = StaffFactory()
    application = scored(call, (90, 90))
    moment = timezone.now()

    services.close_call_early(call, by=office, now=moment)
    latest = call.history.first()
    services.confirm_selection(call, by=office)

    call.refresh_from_db()
    application.refresh_from_db()
    assert (call.closes_at, call.closed_early_at, call.closed_early_by) == (moment, moment, office)
    assert not call.is_open()
    assert (latest.history_user, latest.history_change_reason, latest.closes_at) == (office, "closed early", moment)
    assert application.status == Status.NOMINATED


def test_only_office_staff_who_take_no_part_close_a_call_early_and_only_while_it_is_open():
    call = CallFactory()
    reviewer = UserFactory(role=User.Role.FACULTY)
    call.reviewers.add(reviewer)
    applicant = StaffFactory()
    ApplicationFactory(call=call, applicant=applicant)
    office = StaffFactory()

    for outsider in (reviewer, applicant, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.close_call_early(call, by=outsider)
    services.close_call_early(call, by=office)
    with pytest.raises(ValidationError) as again:
        services.close_call_early(call, by=office)
    future = CallFactory(opens_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as early:
        services.close_call_early(future, by=office)

    assert again.value.code == "already_closed"
    assert early.value.code == "not_open"


# ---------------------------------------------------------------- places: one rule for everyone


def test_office_staff_cannot_nominate_beyond_the_calls_places():
    call = CallFactory(places=1)
    office = StaffFactory()
    first = scored(call, (90, 90))
    second = scored(call, (80, 80))
    services.change_application_status(first, to=Status.NOMINATED, by=office)

    with pytest.raises(ValidationError) as refused:
        services.change_application_status(second, to=Status.NOMINATED, by=office)

    assert refused.value.code == "no_place"
    second.refresh_from_db()
    assert (second.status, second.host) == (Status.UNDER_REVIEW, None)


def test_a_nomination_by_hand_goes_to_the_first_chosen_host_with_a_free_place():
    urumqi, almaty = PartnerFactory(), PartnerFactory()
    call = CallFactory(partners=[urumqi, almaty], places=3)
    CallHost.objects.filter(call=call, partner=urumqi).update(places=1)
    office = StaffFactory()
    first = scored(call, (90, 90), choices=[urumqi])
    second = scored(call, (80, 80), choices=[urumqi, almaty])
    only_urumqi = scored(call, (70, 70), choices=[urumqi])

    services.change_application_status(first, to=Status.NOMINATED, by=office)
    services.change_application_status(second, to=Status.NOMINATED, by=office)
    with pytest.raises(ValidationError):
        services.change_application_status(only_urumqi, to=Status.NOMINATED, by=office)

    second.refresh_from_db()
    assert second.host == almaty
    assert Application.objects.filter(host=urumqi, status=Status.NOMINATED).count() == 1


def test_a_promotion_from_the_waiting_list_never_exceeds_the_places():
    call = CallFactory(places=1)
    office = StaffFactory()
    winner = scored(call, (90, 90))
    waiting = scored(call, (80, 80))
    services.confirm_selection(call, by=office, now=after_deadline(call))
    winner.refresh_from_db()
    services.change_application_status(winner, to=Status.ACCEPTED, by=office)

    assert services.promote_from_waitlist(call, by=office) is None
    waiting.refresh_from_db()
    assert (waiting.status, waiting.waitlist_position) == (Status.WAITLISTED, 1)


def test_when_a_nominee_is_rejected_the_first_person_waiting_moves_up_and_is_told(
    django_capture_on_commit_callbacks,
):
    from notifications.models import Notification

    call = CallFactory(places=1)
    office = StaffFactory()
    nominee = scored(call, (90, 90))
    runner_up = scored(call, (80, 80))
    third = scored(call, (70, 70))
    services.confirm_selection(call, by=office, now=after_deadline(call))
    nominee.refresh_from_db()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.change_application_status(nominee, to=Status.REJECTED, by=office, comment="Documents not valid")

    runner_up.refresh_from_db()
    third.refresh_from_db()
    assert (runner_up.status, runner_up.host) == (Status.NOMINATED, call.partners.get())
    assert (third.status, third.waitlist_position) == (Status.WAITLISTED, 1)
    promotion = runner_up.transitions.last()
    assert (promotion.from_status, promotion.to_status) == (Status.WAITLISTED, Status.NOMINATED)
    notice = Notification.objects.get(recipient=runner_up.applicant, object_id=promotion.pk)
    assert notice.rule == "application_status"
    told = [message for message in mail.outbox if message.to == [runner_up.applicant.email]]
    assert "You have moved up from the waiting list." in told[-1].body


# ---------------------------------------------------------------- withdrawing after acceptance


def test_withdrawing_an_accepted_applicant_cancels_the_planned_mobility_in_its_history():
    call = CallFactory(places=1)
    office = StaffFactory()
    application = scored(call, (90, 90))
    services.confirm_selection(call, by=office, now=after_deadline(call))
    application.refresh_from_db()
    services.change_application_status(application, to=Status.ACCEPTED, by=office)
    application.refresh_from_db()
    mobility = services.create_mobility(application, by=office)

    services.change_application_status(application, to=Status.WITHDRAWN, by=office, comment="Declined the place")

    mobility.refresh_from_db()
    assert mobility.status == Mobility.Status.CANCELLED
    latest = mobility.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        Mobility.Status.CANCELLED,
        office,
        "application withdrawn",
    )


def test_a_mobility_that_has_begun_is_not_cancelled_by_the_service():
    application = ApplicationFactory(status=Status.ACCEPTED, submitted_at=timezone.now())
    application.host = application.call.partners.get()
    application.save()
    office = StaffFactory()
    mobility = services.create_mobility(application, by=office)
    Mobility.objects.filter(pk=mobility.pk).update(status=Mobility.Status.ONGOING)

    with pytest.raises(ValidationError):
        services.cancel_mobility(mobility, by=office)
    with pytest.raises(PermissionDenied):
        services.cancel_mobility(mobility, by=UserFactory())


# ---------------------------------------------------------------- stages of a call with a second stage


def test_with_a_second_stage_those_not_yet_interviewed_wait_for_it_until_the_selection_is_confirmed():
    call = CallFactory(places=2, has_second_stage=True)
    office = StaffFactory()
    interviewed = scored(call, (70, 70))
    services.change_application_status(interviewed, to=Status.SHORTLISTED, by=office)
    scored(call, (95, 95))

    before = {e.application.status: e for e in services.rank_applications(call).entries}
    services.confirm_selection(call, by=office, now=after_deadline(call))
    call.refresh_from_db()
    after = {e.application.status: e for e in services.rank_applications(call).entries}

    assert before[Status.UNDER_REVIEW].stage == services.AWAITING_SECOND_STAGE
    assert after[Status.UNDER_REVIEW].stage == services.NOT_SHORTLISTED
    assert before[Status.SHORTLISTED].stage == "" and before[Status.SHORTLISTED].host is not None


def test_confirming_counts_the_nominated_and_the_waiting_apart_from_those_awaiting_a_second_stage():
    call = CallFactory(places=1, has_second_stage=True)
    office = StaffFactory()
    for points in ((90, 90), (80, 80)):
        services.change_application_status(scored(call, points), to=Status.SHORTLISTED, by=office)
    scored(call, (95, 95))

    ranking = services.confirm_selection(call, by=office, now=after_deadline(call))

    assert (ranking.nominated, ranking.waiting, len(ranking.entries)) == (1, 1, 3)
