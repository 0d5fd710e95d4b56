from pathlib import Path

from django.core.management.base import BaseCommand

from config.backups import create_backup, default_backup_path


class Command(BaseCommand):
    help = (
        "Write the database and every stored file (local folders or the object store) into one .tar.gz archive; "
        "`restore` brings it back on an empty system (docs/deploy.md, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, help="The archive to write (default var/backups/…).")

    def handle(self, *args, path=None, **options):
        summary = create_backup(path or default_backup_path())
        files = ", ".join(f"{count} in {alias}" for alias, count in summary.files.items())
        self.stdout.write(f"Backup written to {summary.path}: the database ({summary.database_bytes} bytes), {files}.")
