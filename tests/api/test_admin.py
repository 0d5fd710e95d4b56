"""Office staff issue tokens in the admin (the secret shown once), revoke them with history, and read their log."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from api import services
from api.models import ApiToken, hash_secret
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    staff = StaffFactory()
    client.force_login(staff)
    return staff


def add(client, language="en", **changes):
    expires = timezone.localtime() + datetime.timedelta(days=90)
    data = {
        "name": "Student information system",
        "scopes": ["nominations", "mobilities"],
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": "12:00:00",
        **changes,
    }
    return client.post(f"/{language}/admin/api/apitoken/add/", data)


def test_issuing_a_token_shows_its_secret_once_and_keeps_only_its_hash(client, office):
    response = add(client)

    assert response.status_code == 200
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("kopir_") and secret in response.content.decode()
    assert token.key_hash == hash_secret(secret)
    assert (token.name, token.scopes, token.created_by) == (
        "Student information system",
        ["nominations", "mobilities"],
        office,
    )
    assert response["Cache-Control"].startswith("max-age=0")  # the admin's pages are never cached
    change = client.get(f"/en/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert secret not in change and token.shown_part in change
    assert secret not in client.get("/en/admin/api/apitoken/").content.decode()
    assert LogEntry.objects.get().object_id == str(token.pk)
    assert token.history.get().history_user == office


def test_a_token_without_scopes_or_with_a_past_expiry_is_refused_in_the_form(client, office):
    response = add(client, scopes=[], expires_at_0="2020-01-01")

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"scopes", "expires_at"}
    assert not ApiToken.objects.exists()


def test_the_token_pages_speak_the_staff_members_language(client, office):
    add(client, language="kk")
    token = ApiToken.objects.get()

    issued = add(client, language="zh-hans").content.decode()
    change = client.get(f"/ru/admin/api/apitoken/{token.pk}/change/").content.decode()
    listing = client.get("/kk/admin/api/apitoken/").content.decode()

    assert "请立即复制令牌" in issued
    assert "Чтение конкурсов и номинирований" in change and "области доступа" in change
    assert "API токендері" in listing and "белсенді" in listing


def test_revoking_in_the_admin_stops_the_token_and_records_who_did_it(client, office, issue, bearer):
    token, secret = issue()
    already, _other = issue()
    services.revoke_token(already, by=office)

    response = client.post(
        "/en/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk, already.pk]},
        follow=True,
    )

    token.refresh_from_db()
    assert token.revoked_by == office and token.revoked_at is not None
    messages = [str(message) for message in response.context["messages"]]
    assert "1 token is revoked." in messages
    assert any("already revoked" in message for message in messages)
    assert token.history.first().history_user == office
    assert client.get("/api/v1/mobilities/", **bearer(secret)).status_code == 401
    history = client.get(f"/en/admin/api/apitoken/{token.pk}/history/")
    assert history.status_code == 200 and str(office) in history.content.decode()


def test_a_revoked_token_can_no_longer_be_changed_and_no_token_can_be_deleted(client, office, issue):
    token, _secret = issue()
    services.revoke_token(token, by=office)

    form = client.get(f"/en/admin/api/apitoken/{token.pk}/change/")
    delete = client.post(f"/en/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"})

    assert "scopes" not in form.context["adminform"].form.fields
    assert delete.status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_use_log_is_read_only_and_linked_from_the_token(client, office, issue, bearer):
    token, secret = issue()
    client.get("/api/v1/mobilities/", **bearer(secret))

    change = client.get(f"/en/admin/api/apitoken/{token.pk}/change/").content.decode()
    log = client.get(f"/en/admin/api/apitokenuse/?token__id__exact={token.pk}")

    assert "1 use in the log" in change
    assert log.status_code == 200 and "/api/v1/mobilities/" in log.content.decode()
    assert client.get("/en/admin/api/apitokenuse/add/").status_code == 403


def test_extending_a_tokens_expiry_is_kept_in_its_history(client, office, issue):
    token, _secret = issue()
    later = timezone.localtime(token.expires_at) + datetime.timedelta(days=365)

    response = client.post(
        f"/en/admin/api/apitoken/{token.pk}/change/",
        {
            "name": token.name,
            "scopes": token.scopes,
            "expires_at_0": later.strftime("%Y-%m-%d"),
            "expires_at_1": later.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    token.refresh_from_db()
    assert timezone.localtime(token.expires_at).date() == later.date()
    assert token.history.count() == 2 and token.history.first().history_user == office
