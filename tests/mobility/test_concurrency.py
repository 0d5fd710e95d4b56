"""Two saves of the same application step at once, on PostgreSQL: they take turns on the application's row,
neither fails, and no private file is left without the record that points to it."""

import contextlib
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from mobility import services
from mobility.models import Application, ApplicationDocument, HostChoice
from mobility.services import applying
from tests.factories import ApplicationFactory, PartnerFactory
from tests.helpers import pdf_bytes, skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True)


def at_the_same_time(monkeypatch, *saves):
    """Run the saves in two threads that both pass the draft check before either writes (the worst overlap):
    without a lock they meet at a barrier; with one, the second waits for the first and the barrier gives way."""
    if connection.vendor != "postgresql":
        skip_or_fail("The concurrency test needs PostgreSQL (set DATABASE_URL): SQLite serialises writers.")
    both_ready = threading.Barrier(len(saves), timeout=3)
    ensure_editable = applying.ensure_editable

    def ensure_editable_together(application, **kwargs):
        ensure_editable(application, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other save waits for this one's lock
            both_ready.wait()

    monkeypatch.setattr(applying, "ensure_editable", ensure_editable_together)
    errors = []

    def run(save):
        try:
            save()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(save,)) for save in saves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_two_uploads_of_the_same_document_at_once_keep_one_file_and_its_record(monkeypatch):
    application = ApplicationFactory()

    def upload(name):
        return lambda: services.upload_document(
            application, kind="transcript", file=SimpleUploadedFile(name, pdf_bytes())
        )

    errors = at_the_same_time(monkeypatch, upload("first.pdf"), upload("second.pdf"))

    assert errors == []
    document = ApplicationDocument.objects.get(application=application, kind="transcript")
    assert private_files() == [document.file.name]


def test_two_saves_of_the_host_choices_at_once_keep_one_ranking(monkeypatch):
    application = ApplicationFactory()
    first, second = PartnerFactory(), PartnerFactory()
    application.call.partners.add(first, second)

    errors = at_the_same_time(
        monkeypatch,
        lambda: services.choose_hosts(application, partners=[first, second]),
        lambda: services.choose_hosts(application, partners=[second, first]),
    )

    assert errors == []
    ranking = list(HostChoice.objects.filter(application=application).order_by("rank").values_list("partner", "rank"))
    assert ranking in ([(first.pk, 1), (second.pk, 2)], [(second.pk, 1), (first.pk, 2)])


def test_an_upload_whose_record_is_not_saved_leaves_no_file(monkeypatch):
    application = ApplicationFactory()

    def interrupted(*args, **kwargs):
        raise ConnectionResetError("the transaction is interrupted after the file is written")

    monkeypatch.setattr(Application, "save", interrupted)
    with pytest.raises(ConnectionResetError):
        services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))

    assert ApplicationDocument.objects.filter(application=application).count() == 0
    assert private_files() == []
