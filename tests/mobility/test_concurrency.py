"""Two saves of the same application step at once, on PostgreSQL: they take turns on the application's row,
neither fails, and no private file is left without the record that points to it."""

import contextlib
import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from mobility import services
from mobility.models import Application, ApplicationDocument, HostChoice
from mobility.services import applying
from notifications.models import Notification
from tests.factories import ApplicationFactory, CallFactory, PartnerFactory
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


def complete_draft(**kwargs):
    application = ApplicationFactory(**kwargs)
    services.upload_document(application, kind="transcript", file=SimpleUploadedFile("t.pdf", pdf_bytes()))
    return application


def in_threads(*calls):
    """Run the calls in threads released together; returns each one's result or the exception it raised."""
    if connection.vendor != "postgresql":
        skip_or_fail("The concurrency test needs PostgreSQL (set DATABASE_URL): SQLite serialises writers.")
    start = threading.Barrier(len(calls), timeout=5)
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_submits_of_the_same_draft_at_once_submit_it_once():
    application = complete_draft()

    outcomes = in_threads(
        lambda: services.submit_application(application, by=application.applicant),
        lambda: services.submit_application(application, by=application.applicant),
    )

    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(refused) == 1 and refused[0].code == "not_a_draft"
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert list(application.transitions.values_list("to_status", flat=True)) == [Application.Status.SUBMITTED]
    assert Notification.objects.filter(object_id=application.transitions.get().pk).count() == 1


def test_submits_racing_the_deadline_are_judged_on_the_servers_clock():
    call = CallFactory()
    punctual, late = complete_draft(call=call), complete_draft(call=call)
    just_before = call.closes_at - datetime.timedelta(milliseconds=1)

    outcomes = in_threads(
        lambda: services.submit_application(punctual, by=punctual.applicant, now=just_before),
        lambda: services.submit_application(late, by=late.applicant, now=call.closes_at),
    )

    assert isinstance(outcomes[0], Application)
    assert isinstance(outcomes[1], ValidationError) and outcomes[1].code == "closed"
    punctual.refresh_from_db()
    late.refresh_from_db()
    assert (punctual.status, punctual.submitted_at) == (Application.Status.SUBMITTED, just_before)
    assert late.status == Application.Status.DRAFT and late.submitted_at is None


def test_submits_to_the_same_call_do_not_wait_for_each_other(monkeypatch):
    """Each submit locks its own application, not the call: in a rush, students do not queue behind each other."""
    call = CallFactory()
    first, second = complete_draft(call=call), complete_draft(call=call)
    first_inside, second_done = threading.Event(), threading.Event()
    order = []
    move_application = applying.move_application

    def move_first_after_second(application, **kwargs):
        if application.pk == first.pk:  # the first holds its locks until the second has committed
            first_inside.set()
            order.append("first waited" if second_done.wait(timeout=5) else "first gave up waiting")
        return move_application(application, **kwargs)

    def submit_second():
        first_inside.wait(timeout=5)
        submitted = services.submit_application(second, by=second.applicant)
        order.append("second submitted")
        second_done.set()
        return submitted

    monkeypatch.setattr(applying, "move_application", move_first_after_second)
    outcomes = in_threads(lambda: services.submit_application(first, by=first.applicant), submit_second)

    assert all(isinstance(outcome, Application) for outcome in outcomes)
    assert order == ["second submitted", "first waited"]
