"""Signed-in pages come from the cache for their own session (config.personalcache): current, never another's."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mobility.models import Application
from notifications import services as notification_services
from tests.factories import (
    ApplicationFactory,
    HomeInstitutionFactory,
    OfficeStaffFactory,
    StaffFactory,
    UserFactory,
)
from visits.models import TypoReport

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOTICES = "/en/notifications/"


@pytest.fixture(autouse=True)
def _home():
    HomeInstitutionFactory()


def from_cache(response):
    """A page served from the cache was not rendered by this request: the test client saw no template."""
    return response.context is None


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def notice_for(user):
    notification_services.notify(rule="office_digest", obj=user, recipients=[user], stage=f"2026-W{user.pk % 50 + 1}")


def bell(response):
    found = re.search(r'class="bell-count" aria-hidden="true">(\d+)<', response.content.decode())
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("address", [NOTICES, "/ru/mobility/applications/", "/zh-hans/notifications/"])
def test_a_signed_in_page_comes_from_the_cache_for_the_same_session(address):
    client = signed_in(UserFactory(full_name="Aruzhan Bekova"))
    first = client.get(address)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(address)

    assert first.status_code == again.status_code == 200
    assert not from_cache(first) and from_cache(again)
    assert "Aruzhan Bekova" in again.content.decode()
    assert len(queries) <= 1  # the signed-in user; the session comes from the cache
    assert again["Cache-Control"] == "private"


def test_a_cached_page_is_never_served_to_another_person_or_another_session():
    aruzhan = UserFactory(full_name="Aruzhan Bekova")
    nurlan = UserFactory(full_name="Nurlan Sadykov")
    ApplicationFactory(applicant=aruzhan, call__title_en="Semester in Urumqi")
    page = "/en/mobility/applications/"
    first = signed_in(aruzhan)
    first.get(page), first.get(page)

    theirs = signed_in(nurlan).get(page)
    own_second_session = signed_in(aruzhan).get(page)

    assert not from_cache(theirs) and not from_cache(own_second_session)
    html = theirs.content.decode()
    assert "Nurlan Sadykov" in html
    assert "Aruzhan Bekova" not in html and "Semester in Urumqi" not in html
    assert "Semester in Urumqi" in own_second_session.content.decode()


def test_the_bell_changes_at_once_after_a_new_notice_and_after_reading_them(django_capture_on_commit_callbacks):
    student = UserFactory()
    client = signed_in(student)
    assert bell(client.get(NOTICES)) == 0 and from_cache(client.get(NOTICES))

    with django_capture_on_commit_callbacks(execute=True):
        notice_for(student)  # the sweep's bulk insert: no signal, the service says who changed
    with_notice = client.get(NOTICES)
    assert bell(with_notice) == 1 and not from_cache(with_notice)
    assert from_cache(client.get(NOTICES))

    client.post("/en/notifications/read/")
    assert bell(client.get(NOTICES)) == 0


def test_another_persons_notice_leaves_the_cached_page_as_it_is(django_capture_on_commit_callbacks):
    student, other = UserFactory(), UserFactory()
    client = signed_in(student)
    client.get(NOTICES)

    with django_capture_on_commit_callbacks(execute=True):
        notice_for(other)

    assert from_cache(client.get(NOTICES))


def test_my_applications_change_at_once_after_the_application_and_the_header_after_the_account():
    application = ApplicationFactory(applicant__full_name="Aruzhan Bekova", gpa="3.40")
    client = signed_in(application.applicant)
    page = "/en/mobility/applications/"
    client.get(page)

    application.call.title_en = "Spring semester in Urumqi"
    application.call.save()
    assert "Spring semester in Urumqi" in client.get(page).content.decode()

    application.status, application.submitted_at = application.Status.SUBMITTED, timezone.now()
    application.save()
    changed = client.get(page)
    assert not from_cache(changed) and "Nothing: ready to submit" not in changed.content.decode()

    application.applicant.full_name = "Aruzhan Bekovna"
    application.applicant.save()
    assert "Aruzhan Bekovna" in client.get(page).content.decode()


def test_the_offices_notices_show_a_typo_report_at_once_and_its_edit_too(django_capture_on_commit_callbacks):
    office = signed_in(StaffFactory(email="office@kopir.example"))
    office.get(NOTICES)
    typo = {"url": "/ru/partners/", "selection": "Синцзянский", "context": "Синцзянский университет", "comment": ""}

    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post("/ru/visits/typo/", typo).status_code == 201
    reported = office.get(NOTICES)
    report = TypoReport.objects.get()
    report.url = "/ru/mobility/"
    report.save()
    edited = office.get(NOTICES)

    assert bell(reported) == 1 and "/ru/partners/" in reported.content.decode()
    assert "/ru/mobility/" in edited.content.decode() and not from_cache(edited)


def test_a_page_with_a_notice_to_show_is_rendered_for_it_and_not_stored(django_capture_on_commit_callbacks):
    student = UserFactory()
    client = signed_in(student)
    client.get(NOTICES)
    with django_capture_on_commit_callbacks(execute=True):
        notice_for(student)
    client.post("/en/notifications/read/")  # "All notifications are marked as read." on the next page

    with_message, after = client.get(NOTICES), client.get(NOTICES)

    assert "All notifications are marked as read." in with_message.content.decode()
    assert not from_cache(with_message)
    assert "All notifications are marked as read." not in after.content.decode()


def test_the_token_of_a_cached_page_is_the_readers_own_and_signs_them_out():
    client = signed_in(UserFactory())
    client.get(NOTICES)
    cached = client.get(NOTICES)
    token = TOKEN.search(cached.content.decode()).group(1)

    client.enforce_csrf_checks = True
    client.handler.enforce_csrf_checks = True
    signed_out = client.post("/en/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert from_cache(cached)
    assert signed_out.status_code == 302
    assert client.get(NOTICES).status_code == 302  # to the sign-in page: the session has ended


def test_staff_who_remove_their_authenticator_are_asked_again_at_once(settings):
    settings.STAFF_MFA_REQUIRED = True
    application = ApplicationFactory(status=Application.Status.SUBMITTED, submitted_at=timezone.now())
    staff = OfficeStaffFactory()
    client = signed_in(staff)
    page = f"/en/mobility/review/applications/{application.pk}/"
    assert client.get(page).status_code == 200
    assert client.get(page).status_code == 200

    Authenticator.objects.filter(user=staff).delete()

    assert client.get(page).status_code == 302


def test_with_redis_down_people_sign_in_and_see_their_own_pages(client, redis_server, portal_cache):
    aruzhan = UserFactory(full_name="Aruzhan Bekova")
    ApplicationFactory(applicant=aruzhan, call__title_en="Semester in Urumqi")
    portal_cache(redis_server.url)
    redis_server.stop()

    signed = client.post("/en/accounts/login/", {"login": aruzhan.email, "password": "correct horse battery staple"})
    pages = [client.get("/en/mobility/applications/") for _ in range(2)]
    notices = client.get(NOTICES)
    other = signed_in(UserFactory(full_name="Nurlan Sadykov")).get("/en/mobility/applications/")

    assert signed.status_code == 302
    assert [page.status_code for page in pages] == [200, 200]
    assert not any(from_cache(page) for page in [*pages, notices])  # rendered afresh while Redis is down
    assert "Semester in Urumqi" in pages[1].content.decode() and notices.status_code == 200
    assert "Semester in Urumqi" not in other.content.decode()


def test_a_session_ended_while_redis_does_not_answer_is_not_read_back_from_its_copy(
    redis_server, portal_cache, monkeypatch, settings
):
    from config import cache as portal_cache_module
    from config import sessions

    monkeypatch.setattr(portal_cache_module, "RETRY_SECONDS", 0.5)
    portal_cache(redis_server.url)
    client = signed_in(UserFactory())
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    copy = f"{sessions.SessionStore.cache_key_prefix}{session_key}"
    assert client.get(NOTICES).status_code == 200
    assert 0 < redis_server.command("TTL", f":1:{copy}") <= sessions.COPY_SECONDS

    redis_server.command("CLIENT", "PAUSE", "2500")  # Redis keeps its copies but does not answer for a while
    still_in = client.get(NOTICES)
    client.post("/en/accounts/logout/")
    time.sleep(3)
    Client().get("/en/")  # Redis answers again
    replayed = Client()
    replayed.cookies[settings.SESSION_COOKIE_NAME] = session_key

    assert still_in.status_code == 200
    assert replayed.get(NOTICES).status_code == 302  # to the sign-in page
    assert redis_server.command("EXISTS", f":1:{copy}") == 0
