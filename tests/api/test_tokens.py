import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api import services
from api.authentication import TokenAuthentication
from api.models import ApiToken, ApiTokenUse, hash_secret
from api.permissions import ReadsMobilities, ReadsNominations, scope_permission
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


class NominationsProbe(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [ReadsNominations]

    def get(self, request):
        return Response({"token": request.auth.name})


def call(headers):
    return NominationsProbe.as_view()(APIRequestFactory().get("/probe/", **headers))


def test_issued_token_is_stored_only_as_its_hash(issue):
    token, secret = issue()

    stored = ApiToken.objects.get()
    assert secret.startswith("kopir_") and len(secret) > 40
    assert stored.key_hash == hash_secret(secret) != secret
    assert secret not in str(ApiToken.objects.values().get())
    assert stored.shown_part == secret[:14]
    assert ApiToken.objects.by_secret(secret) == token


def test_two_tokens_never_share_a_secret(issue):
    _first, one = issue()
    _second, two = issue()

    assert one != two


def test_a_token_needs_a_known_scope_and_a_future_expiry():
    with pytest.raises(ValidationError) as scopes:
        services.issue_token(
            name="x",
            scopes=["everything"],
            expires_at=timezone.now() + datetime.timedelta(days=1),
            created_by=StaffFactory(),
        )
    with pytest.raises(ValidationError) as expiry:
        services.issue_token(
            name="x",
            scopes=["mobilities"],
            expires_at=timezone.now() - datetime.timedelta(days=1),
            created_by=StaffFactory(),
        )

    assert "scopes" in scopes.value.message_dict
    assert "expires_at" in expiry.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_token_with_the_scope_is_let_in(issue, bearer):
    _token, secret = issue(scopes=["nominations"])

    response = call(bearer(secret))

    assert response.status_code == 200
    assert response.data == {"token": "SIS"}


def test_without_a_token_the_answer_is_401_with_the_scheme(bearer):
    response = call({})

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer kopir_unknown"])
def test_a_malformed_or_unknown_token_is_refused(header):
    response = call({"HTTP_AUTHORIZATION": header})

    assert response.status_code == 401
    assert response.data["code"] in {"token_malformed", "token_invalid"}


def test_a_token_without_the_scope_gets_403_naming_it(issue, bearer):
    _token, secret = issue(scopes=["mobilities"])

    response = call(bearer(secret))

    assert response.status_code == 403
    assert response.data["code"] == "scope_missing"
    assert "Read calls and nominations" in str(response.data["detail"])


def test_a_revoked_token_is_refused_and_the_revocation_is_in_its_history(issue, bearer):
    token, secret = issue()
    office = StaffFactory()

    services.revoke_token(token, by=office)
    response = call(bearer(secret))

    assert response.status_code == 401
    assert response.data["code"] == "token_revoked"
    latest = token.history.first()
    assert latest.revoked_by == office and latest.history_change_reason == "revoked"
    with pytest.raises(ValidationError):
        services.revoke_token(token, by=office)


def test_an_expired_token_is_refused(issue, bearer, time_machine):
    token, secret = issue(expires_in=datetime.timedelta(days=1))
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))

    response = call(bearer(secret))

    assert response.status_code == 401
    assert response.data["code"] == "token_expired"
    assert token.state() == ApiToken.State.EXPIRED


def test_authenticate_keeps_the_token_on_the_request_for_the_log(issue):
    token, secret = issue()
    request = APIRequestFactory().get("/x/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    user, auth = TokenAuthentication().authenticate(type("Wrapped", (), {"_request": request})())

    assert auth == token and not user.is_authenticated
    assert request.api_token == token


def test_scope_permission_builds_a_class_per_scope(issue):
    token, _secret = issue(scopes=["mobilities"])
    request = type("Request", (), {"auth": token})()

    assert ReadsMobilities().has_permission(request, None)
    assert scope_permission("mobilities")().has_permission(request, None)
    assert not ReadsMobilities().has_permission(type("Request", (), {"auth": None})(), None)
    with pytest.raises(PermissionDenied):
        ReadsNominations().has_permission(request, None)


def test_recording_a_use_moves_last_used_and_purging_keeps_the_recent_days(issue, settings):
    settings.API_TOKEN_LOG_DAYS = 90
    token, _secret = issue()
    now = timezone.now()

    services.record_token_use(token, method="GET", path="/api/v1/mobilities/", status=200, client="127.0.0.1", now=now)
    services.record_token_use(
        token, method="GET", path="/old/", status=200, client=None, now=now - datetime.timedelta(days=91)
    )
    purged = services.purge_token_uses(now=now)

    assert purged == 1
    assert list(ApiTokenUse.objects.values_list("path", flat=True)) == ["/api/v1/mobilities/"]
    token.refresh_from_db()
    assert token.last_used_at == now
    assert token.history.count() == 1  # using a token writes no history


def test_a_long_address_is_cut_to_the_log_column(issue):
    token, _secret = issue()

    services.record_token_use(token, method="GET", path="/" + "a" * 900, status=200, client=None)

    assert len(ApiTokenUse.objects.get().path) == 500
