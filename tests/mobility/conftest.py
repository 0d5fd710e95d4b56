import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers import pdf_bytes


@pytest.fixture
def pdf_file():
    return SimpleUploadedFile("transcript.pdf", pdf_bytes(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
