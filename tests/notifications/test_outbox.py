"""Every email the portal sends through Django's mail API is stored in the outbox first, then sent after commit."""

import pytest
from django.core import mail
from django.db import transaction

from notifications import services
from notifications.models import Email

pytestmark = pytest.mark.django_db


def test_an_email_is_stored_with_its_transaction_and_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail.send_mail("Köpir: hello", "Plain", None, ["aruzhan@kopir.example"], html_message="<p>Rich</p>")
        stored = Email.objects.get()
        assert (stored.status, mail.outbox) == (Email.Status.PENDING, [])

    assert len(callbacks) == 1
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == (Email.Status.SENT, 1)
    assert stored.queued_at is not None and stored.sent_at is not None
    [message] = mail.outbox
    assert (message.subject, message.body, message.to) == ("Köpir: hello", "Plain", ["aruzhan@kopir.example"])
    assert message.alternatives[0][0] == "<p>Rich</p>"


def test_an_email_of_a_rolled_back_action_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        mail.send_mail("Köpir: never", "Body", None, ["aruzhan@kopir.example"])
        raise RuntimeError

    assert not Email.objects.exists()
    assert mail.outbox == []


def test_django_s_own_emails_go_through_the_outbox(django_capture_on_commit_callbacks, settings):
    settings.ADMINS = [("Office", "office@kopir.example")]

    with django_capture_on_commit_callbacks(execute=True):
        mail.mail_admins("Disk almost full", "Body")

    assert Email.objects.get().to == ["office@kopir.example"]
    assert Email.objects.get().status == Email.Status.SENT
    assert len(mail.outbox) == 1


def test_attachments_and_headers_survive_the_outbox(django_capture_on_commit_callbacks):
    message = mail.EmailMessage("Köpir: list", "See the list.", to=["office@kopir.example"], headers={"X-Kind": "t"})
    message.attach("nominees.csv", "name\nАйгүл\n", "text/csv")

    with django_capture_on_commit_callbacks(execute=True):
        message.send()

    [sent] = mail.outbox
    assert sent.extra_headers["X-Kind"] == "t"
    assert sent.attachments[0][0] == "nominees.csv"
    assert "Айгүл" in sent.attachments[0][1]


def test_a_failed_email_is_sent_again_from_the_outbox(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_DELIVERY_BACKEND = "tests.notifications.test_delivery.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Köpir: retry", "Body", None, ["aruzhan@kopir.example"])
    failed = Email.objects.get()
    assert (failed.status, failed.attempts) == (Email.Status.PENDING, 1)  # left for a retry
    assert "Connection unexpectedly closed" in failed.error
    services.send_email(email_id=failed.pk, final_attempt=True)  # the last retry fails too
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Email.Status.FAILED, 2)

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_outbox_emails(Email.objects.all()) == 1

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (Email.Status.SENT, 3, "")
    assert len(mail.outbox) == 1
