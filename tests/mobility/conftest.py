import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes() -> bytes:
    from mobility.demo import blank_pdf

    return blank_pdf()


def png_bytes() -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def pdf_file():
    return SimpleUploadedFile("transcript.pdf", pdf_bytes(), content_type="application/pdf")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
