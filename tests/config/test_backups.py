"""`manage.py backup` and `restore`: the demo, backed up, comes back whole on a new, empty system."""

import json
import re
import tarfile

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from config.backups import DATABASE, MANIFEST, file_storages, stored_names
from config.models import HomeInstitution
from mobility.models import ApplicationDocument
from tests.helpers import manage, png_bytes

pytestmark = pytest.mark.django_db


def read_archive(path):
    """(manifest, rows of the database, {member name: bytes} of the files) of a backup archive.

    Django's JSON keeps times to the millisecond: a time whose milliseconds are zero reads the same either way.
    """
    with tarfile.open(path) as archive:
        manifest = json.load(archive.extractfile(MANIFEST))
        rows = json.loads(
            re.sub(r'(\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)"', r'\1\2"', archive.extractfile(DATABASE).read().decode())
        )
        files = {
            member.name: archive.extractfile(member).read()
            for member in archive
            if member.isfile() and member.name.startswith("files/")
        }
    return manifest, rows, files


def read(field_file):
    with field_file.open("rb"):
        return field_file.read()


@pytest.fixture
def empty_database(tmp_path):
    """The DATABASE_URL of a new database on the same server as the tests' (a file for SQLite); dropped after."""
    database = settings.DATABASES["default"]
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{database['NAME']}_restore"
    server = {
        "host": database["HOST"],
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"],
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    yield f"postgres://{database['USER']}{password}@{database['HOST']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_of_the_demo_restores_on_an_empty_system_with_its_data_and_documents(tmp_path, empty_database):
    call_command("seed_demo", allow_production=True)
    home = HomeInstitution.objects.get()
    home.logo.save("logo.png", ContentFile(png_bytes()))
    documents = {doc.file.name: read(doc.file) for doc in ApplicationDocument.objects.all()}
    assert documents  # the demo's applications have their scans
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", str(archive))

    # A new machine: an empty database, empty upload folders, the same version of the portal.
    system = {
        "DATABASE_URL": empty_database,
        "MEDIA_ROOT": str(tmp_path / "new-media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "new-private"),
        "REDIS_URL": "",
    }
    for command in (["migrate", "--noinput"], ["restore", str(archive)], ["backup", str(tmp_path / "again.tar.gz")]):
        result = manage(*command, **system)
        assert result.returncode == 0, result.stdout + result.stderr

    manifest, rows, files = read_archive(archive)
    _manifest, restored_rows, restored_files = read_archive(tmp_path / "again.tar.gz")
    assert restored_rows == rows  # every row of every table, with its id
    assert restored_files == files
    emails = {row["fields"]["email"] for row in restored_rows if row["model"] == "accounts.user"}
    assert {"office@kopir.example", "student@kopir.example", "teacher@kopir.example"} <= emails
    assert any(row["model"] == "partnerships.partner" for row in restored_rows)
    assert manifest["files"]["private"] == len(documents)
    for name, content in documents.items():
        assert (tmp_path / "new-private" / name).read_bytes() == content
    assert (tmp_path / "new-media" / home.logo.name).read_bytes() == png_bytes()


def test_the_backup_holds_every_file_of_every_storage_through_the_storage_api(tmp_path):
    storages = file_storages()
    storages["default"].save("visits/photos/a.png", ContentFile(b"photo"))
    storages["private"].save("agreements/2026/b.pdf", ContentFile(b"%PDF-document"))

    call_command("backup", str(tmp_path / "backup.tar.gz"))

    manifest, _rows, files = read_archive(tmp_path / "backup.tar.gz")
    assert files == {
        "files/default/visits/photos/a.png": b"photo",
        "files/private/agreements/2026/b.pdf": b"%PDF-document",
    }
    assert manifest["files"] == {"default": 1, "private": 1}


def test_restore_refuses_a_system_that_already_holds_data(tmp_path):
    from tests.factories import UserFactory

    call_command("backup", str(tmp_path / "backup.tar.gz"))
    UserFactory()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup.tar.gz"))


@pytest.mark.django_db(transaction=True)  # as in use: the restore's transaction is the only one
def test_restore_with_replace_brings_back_the_backed_up_rows_and_files(tmp_path):
    from accounts.models import User
    from tests.factories import UserFactory

    kept = UserFactory(email="kept@kopir.example")
    file_storages()["private"].save("agreements/kept.pdf", ContentFile(b"%PDF-kept"))
    call_command("backup", str(tmp_path / "backup.tar.gz"))
    kept.delete()
    UserFactory(email="later@kopir.example")
    file_storages()["private"].delete("agreements/kept.pdf")

    call_command("restore", str(tmp_path / "backup.tar.gz"), replace=True)

    assert list(User.objects.values_list("email", flat=True)) == ["kept@kopir.example"]
    assert stored_names(file_storages()["private"]) == ["agreements/kept.pdf"]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz"):
        pass

    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(other))
