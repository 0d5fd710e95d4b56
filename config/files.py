"""Where private uploads are kept and how uploaded files are checked, for every app that stores files."""

import datetime
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 2 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, at a URL that nothing serves.

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


# A file younger than this may belong to a transaction still under way: the sweep leaves it for the next run.
ORPHAN_GRACE = datetime.timedelta(hours=6)


def private_file_names() -> set[str]:
    """Every private file a record points to, in every model with a file field on PrivateStorage (their history
    included): the apps' documents, found without this module knowing the apps."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(getattr(field, "storage", None), PrivateStorage):
                names |= set(model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    return names


def remove_orphan_files(*, now=None) -> list[str]:
    """Delete private files no record points to and older than ORPHAN_GRACE (left by an interrupted upload);
    returns their names. Idempotent: a second run finds nothing more to delete."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    if not root.is_dir():
        return []
    cutoff = ((now or timezone.now()) - ORPHAN_GRACE).timestamp()
    known = private_file_names()
    removed = []
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not path.is_symlink() and name not in known and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(name)
    return removed


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
