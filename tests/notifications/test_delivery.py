"""Emails in each reader's language with a link to act on, preferences, the outbox with failures and resends."""

import datetime
import re
import uuid
from smtplib import SMTPException, SMTPServerDisconnected

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command

from accounts.models import User
from notifications import services
from notifications.forms import EmailPreferencesForm
from notifications.models import EmailOptOut, Notification, parse_offsets
from notifications.services import resend_emails, set_email_preferences
from notifications.tasks import send_notification_email
from tests.factories import ActiveAgreementFactory, StaffFactory, UserFactory
from tests.reminders import days, notices

pytestmark = pytest.mark.django_db

TITLES = {
    "title_en": "Memorandum with Xinjiang University",
    "title_kk": "Шыңжаң университетімен меморандум",
    "title_ru": "Меморандум с Синьцзянским университетом",
    "title_zh_hans": "与新疆大学的备忘录",
}


def test_each_recipient_gets_the_email_in_their_own_language_with_a_link_to_the_agreement(sweep, settings):
    settings.PORTAL_URL = "https://cooperation.example.edu.kz"
    coordinator = UserFactory(email="kk@kopir.example", role="faculty", language="kk")
    StaffFactory(email="zh@kopir.example", language="zh-hans")
    StaffFactory(email="ru@kopir.example", language="ru")
    agreement = ActiveAgreementFactory(valid_until=days(90), coordinator=coordinator, **TITLES, title="x")

    sweep()

    expiry = Notification.objects.filter(rule="agreement_expiry").values_list("recipient__email", flat=True)
    emails = {message.to[0]: message for message in mail.outbox if message.to[0] in set(expiry)}
    assert set(emails) == {"kk@kopir.example", "zh@kopir.example", "ru@kopir.example"}
    for address, language, title in [
        ("kk@kopir.example", "kk", TITLES["title_kk"]),
        ("zh@kopir.example", "zh-hans", TITLES["title_zh_hans"]),
        ("ru@kopir.example", "ru", TITLES["title_ru"]),
    ]:
        message = emails[address]
        html = message.alternatives[0][0]
        link = f"https://cooperation.example.edu.kz/{language}/admin/partnerships/agreement/{agreement.pk}/change/"
        assert message.extra_headers["Content-Language"] == language
        assert title in message.subject
        assert link in message.body
        assert f'href="{link}"' in html
        assert f'<html lang="{language}">' in html


def test_a_kind_switched_off_shows_in_the_portal_but_sends_no_email(sweep):
    coordinator = UserFactory(email="coordinator@kopir.example", role="faculty")
    set_email_preferences(coordinator, wanted=set())
    ActiveAgreementFactory(valid_until=days(30), coordinator=coordinator)

    sweep()

    assert notices("agreement_expiry") == {("30", coordinator.email)}
    assert Notification.objects.get().email_status == Notification.EmailStatus.OFF
    assert mail.outbox == []


def test_required_kinds_cannot_be_switched_off(sweep):
    coordinator = UserFactory(role="faculty")
    set_email_preferences(coordinator, wanted=set())
    ActiveAgreementFactory(valid_until=days(104), auto_renewal=True, renewal_notice_days=90, coordinator=coordinator)

    sweep()

    assert not EmailOptOut.objects.filter(rule="agreement_renewal_notice").exists()
    assert Notification.objects.get(rule="agreement_renewal_notice").email_status == Notification.EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_the_settings_form_locks_required_kinds_and_offers_only_the_person_s_own(client):
    student = UserFactory(role="student")
    form = EmailPreferencesForm(user=student, opted_out=set())
    assert "agreement_expiry" not in form.fields
    assert "visit_preparation" in form.fields

    faculty = UserFactory(role="faculty")
    client.force_login(faculty)
    response = client.post("/en/notifications/settings/", {"visit_preparation": "on"})

    assert response.status_code == 302
    assert set(EmailOptOut.objects.filter(user=faculty).values_list("rule", flat=True)) == {
        "agreement_expiry",
        "agreement_unused",
        "outcome_due_soon",
        "outcome_overdue",
        "visit_report_due",
        "reviewer_digest",
    }
    page = client.get("/en/notifications/settings/").content.decode()
    locked = re.search(r'<input[^>]*name="agreement_renewal_notice"[^>]*>', page).group(0)
    assert "disabled" in locked and "checked" in locked
    assert "checked" not in re.search(r'<input[^>]*name="agreement_expiry"[^>]*>', page).group(0)


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


def test_the_email_task_retries_mail_server_errors_with_backoff():
    assert send_notification_email.name == "notifications.send_notification_email"
    assert SMTPException in send_notification_email.autoretry_for
    assert ConnectionError in send_notification_email.autoretry_for
    assert (send_notification_email.retry_backoff, send_notification_email.max_retries) == (True, 5)


def test_a_mail_server_failure_is_recorded_then_resent_from_the_outbox(
    sweep, settings, client, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(role="faculty")
    ActiveAgreementFactory(valid_until=days(7), coordinator=coordinator)
    settings.EMAIL_DELIVERY_BACKEND = "tests.notifications.test_delivery.FailingBackend"  # the mail server

    sweep()  # the first attempt fails and is left for a retry

    failed = Notification.objects.get(rule="agreement_expiry", recipient=coordinator)
    assert (failed.email_status, failed.email_attempts) == (Notification.EmailStatus.PENDING, 1)
    assert "Connection unexpectedly closed" in failed.email_error

    services.send_notification_email(notification_id=failed.pk, final_attempt=True)  # the last retry fails too

    failed.refresh_from_db()
    assert (failed.email_status, failed.email_attempts) == (Notification.EmailStatus.FAILED, 2)
    assert failed.email_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert mail.outbox == []

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    outbox = client.get("/en/admin/notifications/notification/?email_status=failed").content.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in outbox and "Failed" in outbox  # the reason
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/notifications/notification/", {"action": "resend", "_selected_action": [failed.pk]}
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.email_status == Notification.EmailStatus.SENT
    assert failed.email_error == ""
    assert [message.to for message in mail.outbox] == [[coordinator.email]]


def test_resending_a_sent_email_sends_it_once_more_and_never_a_switched_off_one(
    sweep, django_capture_on_commit_callbacks
):
    ActiveAgreementFactory(valid_until=days(7), coordinator=UserFactory(role="faculty"))
    sweep()
    Notification.objects.update(email_status=Notification.EmailStatus.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        count = resend_emails(Notification.objects.all())

    assert count == 0
    assert len(mail.outbox) == 1


def test_a_reported_typo_reaches_the_office_through_the_outbox(client, django_capture_on_commit_callbacks):
    staff = StaffFactory(email="office@kopir.example", language="kk")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ru/visits/typo/", {"url": "/ru/partners/", "selection": "Синцзянский", "context": ""})

    notification = Notification.objects.get(rule="typo_report")
    assert (notification.recipient, notification.email_status) == (staff, Notification.EmailStatus.SENT)
    assert "/kk/admin/visits/typoreport/" in mail.outbox[0].body


def test_the_command_sweeps_today_or_a_given_day(capsys, office, coordinator):
    ActiveAgreementFactory(valid_until=days(7), coordinator=coordinator)

    with time_machine.travel("2025-09-01 09:00 +05:00", tick=False):
        call_command("sweep_reminders")
    assert not notices("agreement_expiry")

    with time_machine.travel("2026-03-02 09:00 +05:00", tick=False):
        call_command("sweep_reminders")
    assert notices("agreement_expiry") == {("7", coordinator.email), ("7", office.email)}

    call_command("sweep_reminders", "--today", "2026-03-08")
    assert "0 new notifications" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["90, x", "-1", "4000"])
def test_staff_cannot_save_nonsense_days(text):
    with pytest.raises(ValidationError):
        parse_offsets(text)


def test_an_email_lost_on_its_way_to_the_queue_is_sent_by_a_later_sweep(sweep):
    from django.utils import timezone

    user = UserFactory()
    notification = Notification.objects.create(
        rule="office_digest",
        content_type=ContentType.objects.get_for_model(User),
        object_id=user.pk,
        stage="2026-W10",
        recipient=user,
        claim=uuid.uuid4(),
        created_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    fresh = Notification.objects.create(
        rule="office_digest",
        content_type=ContentType.objects.get_for_model(User),
        object_id=user.pk,
        stage="2026-W11",
        recipient=user,
        claim=uuid.uuid4(),
    )

    sweep()

    notification.refresh_from_db()
    fresh.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert fresh.email_status == Notification.EmailStatus.PENDING  # its own task may still be on its way
