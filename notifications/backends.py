"""The email backend of the portal: every message is stored in the outbox first and sent by a task."""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    """Stores each message as an outbox row in the current transaction; a task sends it after commit.

    A refused publish leaves the row waiting for the sweep, so the action that wrote the email still succeeds.
    """

    def send_messages(self, email_messages):
        from . import services  # services import Django's mail API, which imports the configured backend

        return len(services.store_emails(list(email_messages)))
