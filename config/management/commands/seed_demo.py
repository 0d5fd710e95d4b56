from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import demo as accounts_demo
from accounts.models import User
from mobility import demo as mobility_demo
from partnerships import demo as partnerships_demo
from visits import demo as visits_demo


class Command(BaseCommand):
    help = "Load the demo story (idempotent): the home university and people who can sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true", help="Run even with DEBUG off (creates known passwords)."
        )

    @transaction.atomic
    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(_("The demo data has well-known passwords; it loads only with DJANGO_DEBUG on."))
        partnerships_demo.seed()
        users = accounts_demo.seed()
        office = next(u for u in users if u.role == User.Role.STAFF)
        partnerships_demo.seed_xinjiang(coordinator=office)
        call = mobility_demo.seed(
            office=office,
            reviewer=next(u for u in users if u.role == User.Role.FACULTY),
            student=next(u for u in users if u.role == User.Role.STUDENT),
        )
        visits_demo.seed(owner=office, call=call)
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Sign in with:")))
        for user in users:
            self.stdout.write(f"  {user.get_role_display():<32} {user.email}  /  {accounts_demo.DEMO_PASSWORD}")
