from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from config.files import PRIVATE_STORAGE_ALIAS, move_local_files


class Command(BaseCommand):
    help = _(
        "Copy the uploads of the local folders to the object store, under the same names (docs/storage.md). "
        "Safe to run again: files already there are left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("Count what would be copied; copy nothing."))

    def handle(self, *args, dry_run=False, **options):
        from django.core.exceptions import ImproperlyConfigured

        try:
            counts = move_local_files(dry_run=dry_run)
        except ImproperlyConfigured as error:
            raise CommandError(
                _("The object store is not configured (AWS_STORAGE_BUCKET_NAME, AWS_PRIVATE_BUCKET_NAME): %(error)s")
                % {"error": error}
            ) from error
        labels = {"default": _("Public images"), PRIVATE_STORAGE_ALIAS: _("Private documents")}
        if dry_run:
            line = _("%(files)s: would copy %(copied)s, already there %(present)s, failed %(failed)s")
        else:
            line = _("%(files)s: copied %(copied)s, already there %(present)s, failed %(failed)s")
        for alias, count in counts.items():
            numbers = {"copied": count.copied, "present": count.present, "failed": len(count.failed)}
            self.stdout.write(line % {"files": labels[alias], **numbers})
            for name in count.failed:
                self.stderr.write(_("Not copied (its size differs in the object store): %(name)s") % {"name": name})
        if any(count.failed for count in counts.values()):
            raise CommandError(_("Some files were not copied; run the command again."))
