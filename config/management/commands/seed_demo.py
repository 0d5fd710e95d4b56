from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import demo as accounts_demo
from accounts.models import User
from mobility import demo as mobility_demo
from mobility.models import ExchangeCall
from partnerships import demo as partnerships_demo
from visits import demo as visits_demo


class Command(BaseCommand):
    help = "Load the demo story (idempotent; a later run moves its dates to that day) and people who can sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="Run even with DEBUG off (creates known passwords)."
        )
        parser.add_argument(
            "--universities",
            default="",
            help="A world_universities_and_domains.json to take the partners' records from "
            "(default: the DEMO_UNIVERSITIES_FILE setting; without one the demo's own records).",
        )

    @transaction.atomic
    def handle(self, *args, allow_production=False, universities="", **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(_("The demo data has well-known passwords; it loads only with DJANGO_DEBUG on."))
        users = accounts_demo.seed()
        office = next(u for u in users if u.role == User.Role.STAFF)  # who does everything the office does
        translators = accounts_demo.seed_translators(by=office)
        partnerships_demo.seed(by=office)
        today = timezone.localdate()  # what moves (calls, deadlines, expiries, the delegation) moves with today
        partnerships_demo.seed_xinjiang(coordinator=office)
        partnerships_demo.seed_directory(coordinator=office, today=today, universities_file=universities or None)
        call = mobility_demo.seed(
            office=office,
            reviewer=next(u for u in users if u.role == User.Role.FACULTY),
            student=next(u for u in users if u.role == User.Role.STUDENT),
            today=today,
        )
        practice = ExchangeCall.objects.get(slug="doctoral-scientific-practice-xinjiang-university")
        visits_demo.seed(owner=office, call=call, practice_call=practice, today=today)
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Sign in with:")))
        for user in users:
            self.stdout.write(f"  {user.get_role_display():<32} {user.email}  /  {accounts_demo.DEMO_PASSWORD}")
        role = _("Translator")
        for user in translators:
            self.stdout.write(f"  {role:<32} {user.email}  /  {accounts_demo.DEMO_PASSWORD}")
