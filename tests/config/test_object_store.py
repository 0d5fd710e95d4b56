"""Uploads on an S3-compatible object store (a real SeaweedFS server the tests start): public images in one bucket,
documents in a private bucket that only the portal reads, served after the permission check."""

import datetime
import urllib.error
import urllib.request

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from config.files import ORPHAN_GRACE, private_files, remove_orphan_files
from mobility import services
from partnerships.models import AgreementDocument
from tests.factories import AgreementFactory, ApplicationFactory, StaffFactory, UserFactory
from tests.helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _office_without_second_factor(settings):
    settings.STAFF_MFA_REQUIRED = False


def fetch(url):
    """A plain HTTP GET from outside the portal (a browser following a link): (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback test server)
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, b""


def submitted(document=None):
    application = ApplicationFactory()
    document = services.upload_document(
        application, kind="transcript", file=SimpleUploadedFile("transcript.pdf", document or pdf_bytes())
    )
    services.submit_application(application, by=application.applicant)
    return application, document


def test_an_applicants_document_goes_to_the_private_bucket_and_reaches_only_those_allowed(
    client, object_store, object_storages, settings
):
    content = pdf_bytes()
    application, document = submitted(content)

    assert object_store.names(object_store.PRIVATE_BUCKET, object_storages) == [document.file.name]
    assert object_store.names(object_store.PUBLIC_BUCKET, object_storages) == []
    assert not (settings.PRIVATE_MEDIA_ROOT).exists()  # nothing on this node's disk
    for person, expected in ((application.applicant, 200), (StaffFactory(), 200), (UserFactory(), 404)):
        client.force_login(person)
        response = client.get(document.get_absolute_url())
        assert response.status_code == expected
        if expected == 200:
            assert b"".join(response.streaming_content) == content
            assert response["Content-Type"] == "application/pdf"
            assert response["Cache-Control"] == "private, no-store"
            assert 'filename="transcript.pdf"' in response["Content-Disposition"]


def test_the_private_bucket_refuses_anyone_without_the_portals_credentials(object_store, object_storages):
    _application, document = submitted()
    key = f"{object_storages}/{document.file.name}"

    assert fetch(f"{object_store.endpoint_url}/{object_store.PRIVATE_BUCKET}/{key}")[0] == 403
    stranger = object_store.client(access_key="someone", secret_key="something")
    with pytest.raises(Exception, match=r"403|AccessDenied|InvalidAccessKeyId"):
        stranger.get_object(Bucket=object_store.PRIVATE_BUCKET, Key=key)


def test_with_signed_urls_a_download_is_a_redirect_to_an_address_that_expires(client, object_storages, settings):
    settings.PRIVATE_FILES_SIGNED_URLS = True
    content = pdf_bytes()
    application, document = submitted(content)
    client.force_login(application.applicant)

    response = client.get(document.get_absolute_url())

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Amz-Signature=" in response["Location"]
    assert fetch(response["Location"]) == (200, content)
    # An address signed longer ago than PRIVATE_FILE_URL_SECONDS is refused by the store.
    with time_machine.travel(timezone.now() - datetime.timedelta(seconds=settings.PRIVATE_FILE_URL_SECONDS + 60)):
        old = client.get(document.get_absolute_url())["Location"]
    assert fetch(old)[0] == 403
    client.force_login(UserFactory())
    assert client.get(document.get_absolute_url()).status_code == 404


def test_an_agreement_document_is_checked_by_content_before_it_is_stored(client, object_store, object_storages):
    agreement = AgreementFactory()
    forged = AgreementDocument(agreement=agreement, file=SimpleUploadedFile("signed.pdf", b"<html>not a pdf</html>"))
    with pytest.raises(ValidationError, match="not a PDF"):
        forged.full_clean()
    document = AgreementDocument(agreement=agreement, file=SimpleUploadedFile("signed.pdf", pdf_bytes()))
    document.full_clean()
    document.save()

    assert object_store.names(object_store.PRIVATE_BUCKET, object_storages) == [document.file.name]
    client.force_login(StaffFactory())
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_replaced_document_is_deleted_from_the_bucket(
    object_store, object_storages, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.upload_document(application, kind="transcript", file=SimpleUploadedFile("a.pdf", pdf_bytes()))
        second = services.upload_document(application, kind="transcript", file=SimpleUploadedFile("a.pdf", pdf_bytes()))

    assert first.file.name != second.file.name  # a second "a.pdf" never overwrites the first
    assert object_store.names(object_store.PRIVATE_BUCKET, object_storages) == [second.file.name]


def test_orphan_files_are_removed_from_the_private_bucket(object_store, object_storages):
    _application, document = submitted()
    stray = private_files.save("applications/2026/stray.pdf", ContentFile(b"%PDF-1.4"))

    assert remove_orphan_files() == []  # still within the grace
    assert remove_orphan_files(now=timezone.now() + ORPHAN_GRACE + datetime.timedelta(minutes=1)) == [stray]
    assert object_store.names(object_store.PRIVATE_BUCKET, object_storages) == [document.file.name]


def test_a_public_image_is_served_from_the_public_bucket_with_caching_headers(
    client, settings, object_store, object_storages
):
    settings.DEBUG = False
    name = default_storage.save("visits/photo.png", ContentFile(png_bytes()))
    key = f"{object_storages}/{name}"

    assert default_storage.url(name) == f"/media/{name}"
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert client.get(default_storage.url(name), HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    stored = object_store.client().head_object(Bucket=object_store.PUBLIC_BUCKET, Key=key)
    assert stored["CacheControl"] == "public, max-age=86400"


@pytest.mark.parametrize("path", ["/media/visits/missing.png", "/media/../applications/passport.png", "/media/a/"])
def test_nothing_but_a_public_image_of_the_public_bucket_is_served(client, object_storages, path):
    private_files.save("applications/passport.png", ContentFile(png_bytes()))
    default_storage.save("a/notes.html", ContentFile(b"<script>alert(1)</script>"))

    assert client.get(path).status_code == 404
    assert client.get("/media/a/notes.html").status_code == 404
