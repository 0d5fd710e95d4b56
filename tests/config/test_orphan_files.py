"""Private files that no record points to (an upload interrupted before its row was saved) go after a grace."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config import tasks
from config.files import ORPHAN_GRACE, PrivateStorage, remove_orphan_files
from mobility import services
from tests.factories import ApplicationFactory
from tests.helpers import pdf_bytes

pytestmark = pytest.mark.django_db


def orphan(name, *, age):
    path = Path(PrivateStorage().path(PrivateStorage().save(name, ContentFile(b"%PDF-1.4"))))
    moment = (timezone.now() - age).timestamp()
    os.utime(path, (moment, moment))
    return path.relative_to(settings.PRIVATE_MEDIA_ROOT).as_posix()


def test_orphan_private_files_older_than_the_grace_are_removed_and_no_other(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    application = ApplicationFactory()
    kept = services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    old_record = Path(kept.file.path)
    os.utime(old_record, (0, 0))  # a file with its record stays, however old
    stray = orphan("applications/2026/stray.pdf", age=ORPHAN_GRACE + datetime.timedelta(minutes=1))
    fresh = orphan("visits/2026/being-saved.pdf", age=datetime.timedelta(minutes=5))

    removed = remove_orphan_files()

    assert removed == [stray]
    assert old_record.exists()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / fresh).exists()
    assert remove_orphan_files() == []  # a second run finds nothing more


def test_the_clean_up_runs_as_a_daily_task(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    orphan("agreements/lost.pdf", age=ORPHAN_GRACE * 2)

    assert tasks.remove_orphan_files.delay().get() == 1
    assert settings.CELERY_BEAT_SCHEDULE["remove-orphan-files"]["task"] == "config.remove_orphan_files"
