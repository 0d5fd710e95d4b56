"""Uploaded public images are served with DEBUG off, cached, and nothing else under or beside MEDIA_ROOT is."""

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.http import http_date

from config.files import PrivateStorage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def production(settings, client):
    settings.DEBUG = False
    return client


def test_a_public_image_is_served_with_caching_headers_when_debug_is_off(production):
    name = default_storage.save("visits/photo.png", ContentFile(PNG))

    response = production.get(default_storage.url(name))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["X-Content-Type-Options"] == "nosniff"
    modified = response["Last-Modified"]
    assert production.get(default_storage.url(name), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/media/visits/missing.png",
        "/media/visits/",
        "/media/notes.html",  # not an image: never served as a page of the portal
        "/media/../private/applications/passport.png",
        "/media/%2e%2e/private/applications/passport.png",
        "/media/visits/photo%00.png",
        "/media/outside.png",  # a link out of MEDIA_ROOT
    ],
)
def test_nothing_but_a_public_image_inside_media_root_is_served(production, settings, tmp_path, path):
    default_storage.save("notes.html", ContentFile(b"<script>alert(1)</script>"))
    PrivateStorage().save("applications/passport.png", ContentFile(PNG))
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    os.symlink(secret, settings.MEDIA_ROOT / "outside.png")

    response = production.get(path)

    assert response.status_code == 404


def test_a_changed_image_is_sent_again(production):
    name = default_storage.save("home/logo.png", ContentFile(PNG))
    before = http_date(os.path.getmtime(default_storage.path(name)) - 60)

    response = production.get(default_storage.url(name), HTTP_IF_MODIFIED_SINCE=before)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
