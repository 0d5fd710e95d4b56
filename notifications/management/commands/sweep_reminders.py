from datetime import date

from django.core.management.base import BaseCommand

from notifications.services import sweep_reminders


class Command(BaseCommand):
    help = "Send every reminder that is due and not yet sent (what Celery beat runs every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Sweep as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        result = sweep_reminders(today=today)
        self.stdout.write(
            f"{result.candidates} due, {result.claimed} new notifications, {result.emails} emails queued."
        )
