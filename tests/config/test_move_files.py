"""`manage.py move_files_to_object_store` copies the local folders' uploads to the object store (a real SeaweedFS
server), under the same names: counted, checked, safe to run again or after an interruption."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from config.files import PrivateStorage, private_files
from mobility import services
from tests.factories import ApplicationFactory, StaffFactory
from tests.helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def read(storage, name):
    with storage.open(name, "rb") as file:
        return file.read()


def move(*args):
    from io import StringIO

    output = StringIO()
    call_command("move_files_to_object_store", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


@pytest.fixture
def local_files(settings):
    """A portal that ran on its local folders: a logo, a photo and an applicant's document."""
    public = FileSystemStorage(location=settings.MEDIA_ROOT)
    logo = public.save("partners/logo.png", ContentFile(png_bytes()))
    photo = public.save("visits/photo.png", ContentFile(png_bytes()))
    application = ApplicationFactory()
    document = services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    services.submit_application(application, by=application.applicant)
    return {"public": [logo, photo], "private": [document.file.name], "document": document}


def test_the_local_files_are_moved_under_their_names_and_a_second_run_copies_nothing(
    client, settings, local_files, object_store, object_storages
):
    assert move("--dry-run").splitlines() == [
        "Public images: would copy 2, already there 0, failed 0",
        "Private documents: would copy 1, already there 0, failed 0",
    ]
    assert object_store.names(object_store.PRIVATE_BUCKET, object_storages) == []

    assert move().splitlines() == [
        "Public images: copied 2, already there 0, failed 0",
        "Private documents: copied 1, already there 0, failed 0",
    ]
    assert object_store.names(object_store.PUBLIC_BUCKET, object_storages) == sorted(local_files["public"])
    assert object_store.names(object_store.PRIVATE_BUCKET, object_storages) == local_files["private"]
    assert read(default_storage, local_files["public"][0]) == png_bytes()
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    response = client.get(local_files["document"].get_absolute_url())
    assert b"".join(response.streaming_content) == read(PrivateStorage(), local_files["private"][0])

    assert move().splitlines() == [
        "Public images: copied 0, already there 2, failed 0",
        "Private documents: copied 0, already there 1, failed 0",
    ]


def test_an_interrupted_copy_is_written_again(local_files, object_store, object_storages):
    name = local_files["private"][0]
    private_files.save(name, ContentFile(b"%PDF-1.4 cut sh"))  # what an interrupted run left

    assert move().splitlines()[1] == "Private documents: copied 1, already there 0, failed 0"
    assert read(private_files, name) == read(PrivateStorage(), name)


def test_without_an_object_store_nothing_is_copied(local_files):
    with pytest.raises(CommandError, match="not configured"):
        move()
