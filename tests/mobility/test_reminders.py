"""Mobility's reminders: calls closing on drafts, the reviewers' daily digest, status changes, mobility as use."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from mobility.models import Application, Mobility
from notifications.models import EmailOptOut, Notification
from tests.factories import ApplicationFactory, CallFactory, StaffFactory, UserFactory
from tests.reminders import TODAY, days, notices, sent, unused_agreement

pytestmark = pytest.mark.django_db
ZONE = timezone.get_default_timezone()


def closing_on(day):
    closes = datetime.datetime.combine(day, datetime.time(18), tzinfo=ZONE)
    return CallFactory(opens_at=closes - datetime.timedelta(days=60), closes_at=closes)


@pytest.mark.parametrize(("days_left", "stage"), {4: None, 3: "3", 2: "3", 1: "1", 0: "1", -1: None}.items())
def test_a_call_closing_soon_reminds_each_applicant_with_a_draft(sweep, days_left, stage):
    call = closing_on(days(days_left))
    draft = ApplicationFactory(call=call, applicant=UserFactory(language="ru"))
    ApplicationFactory(call=call, status=Application.Status.SUBMITTED, submitted_at=timezone.now())

    sweep()

    assert notices("call_closing_soon") == ({(stage, draft.applicant.email)} if stage else set())
    assert sent("call_closing_soon") == (1 if stage else 0)


def test_the_closing_reminder_comes_once_per_stage_and_a_late_sweep_sends_only_the_latest(sweep):
    call = closing_on(days(5))
    draft = ApplicationFactory(call=call)

    sweep(days(2))  # 3 days left
    sweep(days(2))
    sweep(days(4))  # 1 day left
    late = ApplicationFactory(call=call)
    sweep(days(5))  # the sweeps of the 3-day stage were missed for the late draft

    assert notices("call_closing_soon") == {("3", draft.applicant.email), ("1", draft.applicant.email)} | {
        ("1", late.applicant.email)
    }
    assert len(mail.outbox) == 3


def test_the_closing_reminder_is_written_in_the_applicants_language(sweep):
    draft = ApplicationFactory(call=closing_on(days(1)), applicant=UserFactory(language="kk"))

    sweep()

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "kk"
    assert f"/kk/mobility/applications/{draft.pk}/" in message.body
    assert "Transcript of records" not in message.body  # what is missing is listed, in Kazakh
    assert "Транскрипт" in message.body


def test_the_closing_reminder_cannot_be_switched_off(client, sweep):
    draft = ApplicationFactory(call=closing_on(days(1)))
    client.force_login(draft.applicant)
    client.post("/en/notifications/settings/", {})  # every box unticked

    sweep()

    assert sent("call_closing_soon") == 1
    assert "application_status" not in EmailOptOut.objects.filter(user=draft.applicant).values_list("rule", flat=True)


def test_unticking_every_box_turns_off_every_optional_email(client):
    reviewer = UserFactory(role="faculty")
    client.force_login(reviewer)

    client.post("/en/notifications/settings/", {})

    assert "reviewer_digest" in EmailOptOut.objects.filter(user=reviewer).values_list("rule", flat=True)


def submitted_on(day, call, **kwargs):
    moment = datetime.datetime.combine(day, datetime.time(11), tzinfo=ZONE)
    return ApplicationFactory(call=call, status=Application.Status.SUBMITTED, submitted_at=moment, **kwargs)


def test_reviewers_get_one_daily_digest_of_new_submissions_not_one_email_each(sweep):
    reviewer = UserFactory(role="faculty", language="zh-hans")
    call = CallFactory(title_en="Semester in Urumqi")
    call.reviewers.add(reviewer)
    for _ in range(3):
        submitted_on(days(-1), call)
    submitted_on(days(-5), CallFactory())  # a call this reviewer does not review

    sweep()
    sweep()

    assert notices("reviewer_digest") == {(days(-1).isoformat(), reviewer.email)}
    digest = mail.outbox[0]
    assert digest.to == [reviewer.email]
    assert digest.extra_headers["Content-Language"] == "zh-hans"
    assert digest.body.count("Semester in Urumqi") == 3


def test_the_next_digest_covers_only_what_came_since_the_last_one(sweep):
    reviewer = UserFactory(role="faculty")
    call = CallFactory()
    call.reviewers.add(reviewer)
    first = submitted_on(days(-1), call)
    sweep()
    sweep(days(1))  # nothing new: no digest
    second = submitted_on(days(1), call)
    sweep(days(3))  # two days late: the digest still covers the new submission

    digests = Notification.objects.filter(rule="reviewer_digest").order_by("stage")
    assert [n.stage for n in digests] == [days(-1).isoformat(), days(2).isoformat()]
    assert str(second.applicant) in mail.outbox[-1].body
    assert str(first.applicant) not in mail.outbox[-1].body


def test_every_status_change_reaches_the_applicant_under_the_bell_and_by_email(
    client, django_capture_on_commit_callbacks
):
    from mobility import services

    application = ApplicationFactory(status=Application.Status.SUBMITTED, submitted_at=timezone.now())
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_application_status(application, to="shortlisted", by=staff, comment="Interview on Monday")
        services.change_application_status(application, to="nominated", by=staff)

    client.force_login(application.applicant)
    listed = client.get("/en/notifications/").content.decode()

    assert Notification.objects.filter(rule="application_status").count() == 2
    assert [message.subject for message in mail.outbox] == [
        f"Köpir: Your application to «{application.call.title}» is now: Shortlisted.",
        f"Köpir: Your application to «{application.call.title}» is now: Nominated.",
    ]
    assert "Interview on Monday" in mail.outbox[0].body
    assert f"Host institution: {application.call.partners.get().name}" in mail.outbox[1].body
    assert "is now: Nominated." in listed


def test_a_mobility_in_the_last_two_years_counts_as_use_of_an_agreement(sweep, office):
    agreement = unused_agreement()
    Mobility.objects.create(
        participant_name="Guest",
        direction="incoming",
        partner=agreement.partners.first(),
        agreement=agreement,
        mobility_type="staff_teaching",
        starts_on=days(-200),
        ends_on=days(-190),
    )

    sweep()

    assert not notices("agreement_unused")


@time_machine.travel(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=ZONE), tick=False)
def test_the_sweep_command_sends_the_closing_reminder(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    ApplicationFactory(call=closing_on(days(1)))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_reminders")

    assert sent("call_closing_soon") == 1


@pytest.mark.parametrize("count", [1, 5])
def test_the_notification_list_costs_the_same_queries_for_few_or_many_mobility_notices(
    client, django_assert_num_queries, count
):
    from mobility import services
    from notifications.services import notify

    student = UserFactory()
    staff = StaffFactory()
    for n in range(count):
        application = ApplicationFactory(
            applicant=student, status=Application.Status.SUBMITTED, submitted_at=timezone.now()
        )
        services.change_application_status(application, to="shortlisted", by=staff)
        notify(rule="call_closing_soon", obj=application, recipients=[student], stage="1")
        notify(rule="reviewer_digest", obj=student, recipients=[student], stage=f"2026-03-0{n + 1}")
    client.force_login(student)

    with django_assert_num_queries(8):  # the first request of the session renders it; the session is cached
        assert client.get("/en/notifications/").status_code == 200
