import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partnerships import services


class Command(BaseCommand):
    help = "Create or update prospective partners from a world_universities_and_domains.json file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}) from error
        except json.JSONDecodeError as error:
            raise CommandError(_("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}) from error
        if not isinstance(records, list):
            raise CommandError(_("%(path)s must hold a list of universities.") % {"path": path})

        def progress(done, total):
            self.stdout.write(_("%(done)d of %(total)d records read") % {"done": done, "total": total})

        report = services.import_universities(records, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                _("Created %(created)d, updated %(updated)d, unchanged %(skipped)d, rejected %(rejected)d.")
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "skipped": report.skipped,
                    "rejected": len(report.rejected),
                }
            )
        )
        for index, reason in report.rejected:
            self.stdout.write(_("Record %(index)d rejected: %(reason)s") % {"index": index, "reason": reason})
