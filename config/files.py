"""Where uploads are kept, how they are checked and served, for every app that stores files.

Two storages, named in settings.STORAGES: "default" for public images (logos, visit photos) and "private" for
documents. Each is a local folder unless the environment configures an object store (config/object_store.py);
a file field names the alias (`storage=private_storage`), never a class, so its migrations do not change with it.
"""

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.http import FileResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


@deconstructible
class PrivateStorage(FileSystemStorage):
    """The local "private" storage: files under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, at a URL that nothing serves.

    The only way to them is a permission-checked view (e.g. AgreementDocument.get_absolute_url).
    """

    def __init__(self):
        super().__init__(base_url="/private/")

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


PRIVATE_STORAGE_ALIAS = "private"


class AliasedStorage(Storage):
    """The storage of a STORAGES alias, looked up at each use: nothing is built when the models are imported, and a
    changed setting (a test on the object store) takes effect at once."""

    def __init__(self, alias):
        self.alias = alias

    def __getattr__(self, name):  # the storage's own attributes (location, bucket_name)
        if name == "alias":
            raise AttributeError(name)
        return getattr(storages[self.alias], name)


def _delegate(name):
    def method(self, *args, **kwargs):
        return getattr(storages[self.alias], name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    *("open", "save", "get_valid_name", "get_alternative_name", "get_available_name", "generate_filename"),
    *("path", "delete", "exists", "listdir", "size", "url"),
    *("get_accessed_time", "get_created_time", "get_modified_time"),
):
    setattr(AliasedStorage, _name, _delegate(_name))

private_files = AliasedStorage(PRIVATE_STORAGE_ALIAS)


def private_storage():
    """The storage of private documents (the STORAGES alias "private"): what their file fields name."""
    return private_files


def is_object_store(storage) -> bool:
    """Whether a storage keeps its files in an object store (it has no local path), not in a local folder."""
    try:
        storage.path("probe")
    except NotImplementedError:
        return True
    return False


def stored_files(storage, directory=""):
    """The name of every file in a storage (a local folder or a bucket), through the storage API only.

    Links in a local folder are left out: they may point out of it."""
    local = not is_object_store(storage)
    directories, files = storage.listdir(directory)
    for name in sorted(files):
        path = f"{directory}{name}"
        if not (local and os.path.islink(storage.path(path))):
            yield path
    for name in sorted(directories):
        path = f"{directory}{name}/"
        if not (local and os.path.islink(storage.path(path))):
            yield from stored_files(storage, path)


# A file younger than this may belong to a transaction still under way: the sweep leaves it for the next run.
ORPHAN_GRACE = datetime.timedelta(hours=6)


def private_file_names() -> set[str]:
    """Every private file a record points to, in every model with a file field on the private storage (their
    history included): the apps' documents, found without this module knowing the apps."""
    names = set()
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if getattr(model_field, "_storage_callable", None) is private_storage:
                name = model_field.name
                names |= set(model._default_manager.exclude(**{name: ""}).values_list(name, flat=True))
    return names


def remove_orphan_files(*, now=None) -> list[str]:
    """Delete private files no record points to and older than ORPHAN_GRACE (left by an interrupted upload), in
    the local folder or the private bucket alike; returns their names. Idempotent: a second run finds nothing more
    to delete. Only the files no record points to are asked their age."""
    storage = private_files
    if not is_object_store(storage) and not Path(storage.location).is_dir():
        return []
    cutoff = (now or timezone.now()) - ORPHAN_GRACE
    known = private_file_names()
    removed = []
    for name in stored_files(storage):
        if name not in known and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed.append(name)
    return removed


def private_file_response(file, *, content_type, filename=None):
    """A private document for someone a view has just let through: streamed by the portal from its storage, or,
    with PRIVATE_FILES_SIGNED_URLS and an object store, a redirect to a signed address of the private bucket that
    expires after PRIVATE_FILE_URL_SECONDS. Neither a browser nor a proxy keeps a copy. A file the view has opened
    is sent from where it is (an object store's file is not fetched twice)."""
    filename = filename or os.path.basename(file.name)
    if settings.PRIVATE_FILES_SIGNED_URLS and is_object_store(file.storage):
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseCacheControl": "private, no-store",
        }
        response = HttpResponseRedirect(
            file.storage.url(file.name, parameters=parameters, expire=settings.PRIVATE_FILE_URL_SECONDS)
        )
        file.close()  # the view may have read it (its type)
    else:
        response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def open_public_file(name):
    """An uploaded public file and its last change (a local folder or a bucket); FileNotFoundError for anything
    that is not a regular file inside the public storage (no `..`, no link out of the folder, no NUL byte)."""
    storage = default_storage
    if "\x00" in name:
        raise FileNotFoundError(name)
    if not is_object_store(storage):
        root = Path(storage.location).resolve()
        try:
            path = (root / name).resolve(strict=True)
        except (OSError, ValueError) as missing:
            raise FileNotFoundError(name) from missing
        if not path.is_relative_to(root) or not path.is_file():
            raise FileNotFoundError(name)
        return path.open("rb"), datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
    try:
        if name.endswith("/") or not storage.exists(name):
            raise FileNotFoundError(name)
    except SuspiciousOperation as outside:
        raise FileNotFoundError(name) from outside
    return storage.open(name, "rb"), storage.get_modified_time(name)


def validate_logo_size(file):
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
            code="file_too_large",
        )


def validate_pdf(file):
    """A document must really be a PDF (by content, not by name) and within the size limit."""
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(DOCUMENT_MAX_BYTES)},
            code="file_too_large",
        )
    # Imported here: pypdf takes a sixth of a second to load, and only uploads need it.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # A stored document (re-checked when its record is saved again) opens when read: it is closed again after.
    was_closed = getattr(file, "closed", False)
    try:
        file.seek(0)
        if file.read(5) != b"%PDF-":
            raise ValidationError(_("The file is not a PDF document."), code="not_pdf")
        file.seek(0)
        try:
            PdfReader(file).pages[0]  # reading the first page proves the file is a whole PDF
        except (PdfReadError, IndexError, ValueError, KeyError) as error:
            raise ValidationError(_("The PDF document is damaged or empty."), code="broken_pdf") from error
    finally:
        if was_closed:
            file.close()
        else:
            file.seek(0)


@dataclass
class MoveCount:
    """What moving one local folder to the object store did (or, in a dry run, would do)."""

    copied: int = 0
    present: int = 0
    failed: list[str] = field(default_factory=list)


def move_local_files(*, dry_run=False) -> dict[str, MoveCount]:
    """Copy every file of the local folders (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) to the configured storage of its alias,
    under the same name, so every record finds its file there; returns the counts by alias.

    Idempotent and resumable: a file already there with the same size is left, a partial one is written again, and
    each copy's size is checked (a mismatch is counted as failed). The local files stay: remove them once the portal
    runs on the object store. A dry run only counts.
    """
    sources = {"default": FileSystemStorage(location=settings.MEDIA_ROOT), PRIVATE_STORAGE_ALIAS: PrivateStorage()}
    counts = {}
    for alias, source in sources.items():
        target = storages[alias]
        if not is_object_store(target):
            raise ImproperlyConfigured(f"STORAGES[{alias!r}] is a local folder, not an object store.")
        count = counts[alias] = MoveCount()
        if not Path(source.location).is_dir():
            continue
        for name in stored_files(source):
            size = source.size(name)
            there = target.exists(name)
            if there and target.size(name) == size:
                count.present += 1
            elif dry_run:
                count.copied += 1
            else:
                if there:  # left by an interrupted run
                    target.delete(name)
                with source.open(name, "rb") as content:
                    saved = target.save(name, content)
                if saved == name and target.size(name) == size:
                    count.copied += 1
                else:
                    count.failed.append(name)
    return counts
