from smtplib import SMTPException

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="accounts.send_email",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
)
def send_email(*, subject: str, body: str, to: list[str], from_email: str | None = None, html: str = "") -> None:
    """Send one rendered email (emails now go through the outbox; this drains tasks queued before it)."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
