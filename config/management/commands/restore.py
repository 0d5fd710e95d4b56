from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive of `backup` into this system: run `migrate` on an empty database first, with the version "
        "of the portal that wrote the backup (docs/deploy.md, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive `backup` wrote.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace every row already in the database and overwrite files of the same name.",
        )

    def handle(self, *args, path, replace=False, **options):
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        try:
            summary = restore_backup(path, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        files = ", ".join(f"{count} in {alias}" for alias, count in summary.files.items())
        self.stdout.write(f"Restored {summary.path}: the database and {files}.")
