"""Backups of the whole portal in one archive: the database as Django's portable JSON and every stored file.

The archive (`.tar.gz`) holds `manifest.json` (format, date, the migrations applied, what is inside),
`database.json` (`dumpdata` of every app but sessions, read in one consistent snapshot) and `files/<storage>/<name>`
for every file of every storage that keeps uploads, read through Django's storage API: the local folders or the
object store alike. Restoring needs only Python and a migrated, empty database (docs/deploy.md, "Backups").
"""

import datetime
import json
import posixpath
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

from .files import PrivateStorage

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.json"
FILES = "files"
# Sessions are not kept: people sign in again after a restore.
EXCLUDED_MODELS = ["sessions"]


class BackupError(Exception):
    """A backup that cannot be restored here, or a system that is not empty."""


@dataclass(frozen=True)
class Summary:
    path: Path
    files: dict[str, int]
    database_bytes: int


def file_storages() -> dict[str, Storage]:
    """Every storage that keeps uploads, by name: the STORAGES aliases (but the static files) and the private one."""
    found = {alias: storages[alias] for alias in settings.STORAGES if alias != "staticfiles"}
    if "private" not in found and not any(isinstance(storage, PrivateStorage) for storage in found.values()):
        found["private"] = PrivateStorage()
    return found


def stored_names(storage: Storage, folder: str = "") -> list[str]:
    """Every file's name in a storage, walked through its listdir (a missing folder is an empty one)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [posixpath.join(folder, name) for name in files]
    for sub in folders:
        names += stored_names(storage, posixpath.join(folder, sub))
    return sorted(names)


def applied_migrations() -> dict[str, list[str]]:
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump_database(path: Path) -> None:
    """`dumpdata` of every app in one snapshot: on PostgreSQL a repeatable-read transaction sees one moment."""
    fresh = not connection.in_atomic_block  # inside a caller's transaction, that transaction is the snapshot
    with transaction.atomic():
        if connection.vendor == "postgresql" and fresh:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command("dumpdata", exclude=EXCLUDED_MODELS, output=str(path), verbosity=0)


def _add(archive: tarfile.TarFile, name: str, fileobj, size: int, modified: float) -> None:
    member = tarfile.TarInfo(name)
    member.size, member.mtime, member.mode = size, int(modified), 0o600
    archive.addfile(member, fileobj)


def create_backup(path: Path) -> Summary:
    """Write the database and every stored file into one archive at `path`. Reads only: the portal keeps running.

    The database is read first, then the files: every file a backed-up record points to is in the archive.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE
        _dump_database(dump)
        names = {alias: stored_names(storage) for alias, storage in file_storages().items()}
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": applied_migrations(),
            "files": {alias: len(files) for alias, files in names.items()},
        }
        now = timezone.now().timestamp()
        with tarfile.open(path, "w:gz") as archive:
            encoded = json.dumps(manifest, indent=2).encode()
            with tempfile.TemporaryFile() as manifest_file:
                manifest_file.write(encoded)
                manifest_file.seek(0)
                _add(archive, MANIFEST, manifest_file, len(encoded), now)
            with dump.open("rb") as database:
                _add(archive, DATABASE, database, dump.stat().st_size, now)
            for alias, storage in file_storages().items():
                for name in names[alias]:
                    with storage.open(name, "rb") as stored:
                        _add(archive, f"{FILES}/{alias}/{name}", stored, storage.size(name), now)
        return Summary(path=path, files=manifest["files"], database_bytes=dump.stat().st_size)


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("This file is not a backup of the portal (no manifest.json).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')}; this version reads format {FORMAT}.")
    return manifest


def _check_target(manifest: dict, targets: dict[str, Storage], *, replace: bool) -> None:
    missing = sorted(set(manifest["files"]) - set(targets))
    if missing:
        raise BackupError(f"The backup has files of storages this system lacks: {', '.join(missing)}.")
    if manifest["migrations"] != applied_migrations():
        raise BackupError(
            "The database's migrations differ from the backup's: restore with the version of the portal that wrote "
            "the backup (run its `migrate` first), then upgrade."
        )
    if replace:
        return
    if get_user_model().objects.exists():
        raise BackupError("The database is not empty: restore into a new database, or pass --replace.")
    for alias, storage in targets.items():
        if stored_names(storage):
            raise BackupError(f"The storage {alias!r} already holds files: empty it first, or pass --replace.")


def restore_backup(path: Path, *, replace: bool = False) -> Summary:
    """Restore an archive of create_backup into this (migrated, empty) system: every row, then every file.

    The database is replaced in one transaction: a failure leaves it as it was. With `replace`, the rows already
    there go and files of the same name are overwritten; without it, a system that holds data is refused.
    """
    path = Path(path)
    targets = file_storages()
    with tarfile.open(path, "r:*") as archive, tempfile.TemporaryDirectory() as work:
        manifest = _read_manifest(archive)
        _check_target(manifest, targets, replace=replace)
        dump = Path(work) / DATABASE
        with archive.extractfile(DATABASE) as source, dump.open("wb") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk)
        with transaction.atomic():
            # Migrations' own rows (content types, permissions, seeded settings) give way to the backup's.
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            # The backup holds the history itself: loading an agreement's partners must not write a new entry.
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(dump), verbosity=0)
        ContentType.objects.clear_cache()
        restored = dict.fromkeys(manifest["files"], 0)
        for member in archive:
            if not member.isfile() or not member.name.startswith(f"{FILES}/"):
                continue
            alias, name = member.name.removeprefix(f"{FILES}/").split("/", 1)
            storage = targets[alias]
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(archive.extractfile(member), name=posixpath.basename(name)))
            if saved != name:
                raise BackupError(f"The storage {alias!r} kept {name} as {saved}.")
            restored[alias] += 1
        return Summary(path=path, files=restored, database_bytes=dump.stat().st_size)


def default_backup_path() -> Path:
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
    return settings.VAR_DIR / "backups" / f"kopir-{stamp}.tar.gz"
