"""The endpoints for integrations: a token with the right scope, each use logged, no more personal data than needed."""

import datetime

import pytest
from django.utils import timezone

from api import services
from api.models import ApiTokenUse
from mobility.models import Application, Mobility
from partnerships.models import CooperationCondition, IscedField
from tests.factories import ActiveAgreementFactory, AgreementFactory, ApplicationFactory, CallFactory, PartnerFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/agreements/": "agreements",
    "/api/v1/selections/": "nominations",
    "/api/v1/nominations/": "nominations",
    "/api/v1/mobilities/": "mobilities",
}


def nominate(application, host, status=Application.Status.NOMINATED):
    Application.objects.filter(pk=application.pk).update(status=status, host=host, submitted_at=timezone.now())


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_a_token_the_answer_is_401(client, path):
    response = client.get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("path", "scope"), ENDPOINTS.items())
def test_a_token_without_the_scope_gets_403_and_with_it_200(client, issue, bearer, path, scope):
    _other, other_secret = issue(scopes=[s for s in ("agreements", "nominations", "mobilities") if s != scope])
    _right, right_secret = issue(scopes=[scope])

    refused = client.get(path, **bearer(other_secret))
    allowed = client.get(path, **bearer(right_secret))

    assert refused.status_code == 403
    assert refused.json()["code"] == "scope_missing"
    assert allowed.status_code == 200
    assert allowed["Cache-Control"] == "private, no-cache"
    assert "Authorization" in allowed["Vary"]


def test_a_revoked_or_expired_token_is_refused_in_the_readers_language(client, issue, bearer, time_machine):
    revoked, revoked_secret = issue()
    services.revoke_token(revoked, by=revoked.created_by)
    _expiring, expiring_secret = issue(expires_in=datetime.timedelta(hours=1))
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2))

    gone = client.get("/api/v1/mobilities/?lang=ru", **bearer(revoked_secret))
    late = client.get("/api/v1/mobilities/", **bearer(expiring_secret))

    assert (gone.status_code, gone.json()["code"]) == (401, "token_revoked")
    assert gone.json()["detail"].startswith("Этот токен отозван")
    assert (late.status_code, late.json()["code"]) == (401, "token_expired")


def test_every_use_of_a_token_is_logged_with_its_answer(client, issue, bearer):
    token, secret = issue(scopes=["mobilities"])

    client.get("/api/v1/mobilities/?page_size=5", **bearer(secret))
    client.get("/api/v1/agreements/", **bearer(secret))
    services.revoke_token(token, by=token.created_by)
    client.get("/api/v1/mobilities/", **bearer(secret))
    client.get("/api/v1/mobilities/", **bearer("kopir_not-a-token"))

    uses = list(ApiTokenUse.objects.order_by("at", "pk").values_list("path", "status", "client"))
    assert uses == [
        ("/api/v1/mobilities/?page_size=5", 200, "127.0.0.1"),
        ("/api/v1/agreements/", 403, "127.0.0.1"),
        ("/api/v1/mobilities/", 401, "127.0.0.1"),
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_agreements_come_with_their_cooperation_conditions(client, issue, bearer):
    hidden = PartnerFactory(slug="hidden", is_public=False, hei_id="hidden.example.edu")
    agreement = ActiveAgreementFactory(partners=[hidden], reference_number="MoU-1", kind="student_exchange")
    condition = CooperationCondition.objects.create(
        agreement=agreement,
        receiving_partner=hidden,
        mobility_type="student_studies",
        academic_year_from="2026/2027",
        academic_year_to="2028/2029",
        places_per_year=3,
        total_months_per_year=10,
        eqf_levels=[6, 7],
        language="en",
        cefr_level="B2",
    )
    condition.fields_of_education.add(IscedField.objects.get(code="0613"))
    AgreementFactory(kind="mou")
    _token, secret = issue(scopes=["agreements"])

    listed = client.get("/api/v1/agreements/?status=active", **bearer(secret)).json()["results"]
    one = client.get(f"/api/v1/agreements/{agreement.pk}/", **bearer(secret)).json()

    assert [row["reference_number"] for row in listed] == ["MoU-1"]
    assert one["partners"][0] == {
        "country": "CN",
        "country_name": "China",
        "fallbacks": {},
        "slug": "hidden",
        "name": hidden.name_en,
        "is_public": False,
        "hei_id": "hidden.example.edu",
        "erasmus_code": "",
    }
    terms = one["conditions"][0]
    assert terms["sending"] == {"partner": None, "unit": None}  # our university
    assert terms["receiving"]["partner"] == "hidden"
    assert (terms["places_per_year"], terms["total_months_per_year"], terms["eqf_levels"]) == (3, "10.0", [6, 7])
    assert [field["code"] for field in terms["fields_of_education"]] == ["0613"]
    assert client.get("/api/v1/agreements/999999/", **bearer(secret)).status_code == 404
    in_force = client.get("/api/v1/agreements/?valid_on=2026-01-01", **bearer(secret)).json()["results"]
    assert [row["id"] for row in in_force] == [agreement.pk]
    assert client.get("/api/v1/agreements/?valid_on=2031-01-01", **bearer(secret)).json()["results"] == []


def test_selections_count_applications_per_status_without_personal_data(client, issue, bearer):
    host = PartnerFactory(slug="host")
    call = CallFactory(slug="semester", partners=[host])
    nominee = ApplicationFactory(call=call, applicant__email="nominee@student.example")
    ApplicationFactory(call=call)
    nominate(nominee, host)
    _token, secret = issue(scopes=["nominations"])

    response = client.get("/api/v1/selections/", **bearer(secret))

    row = response.json()["results"][0]
    assert row["slug"] == "semester" and row["state"] == "open"
    assert row["applications"]["nominated"] == 1 and row["applications"]["draft"] == 1
    assert sum(row["applications"].values()) == 2
    assert row["hosts"] == [
        {
            "partner": {"country": "CN", "country_name": "China", "fallbacks": {}, "slug": "host", "name": host.name},
            "places": None,
            "nominated": 1,
        }
    ]
    assert "@" not in response.content.decode()
    assert client.get("/api/v1/selections/?state=closed", **bearer(secret)).json()["results"] == []


def test_nominations_list_the_nominees_per_call_and_host(client, issue, bearer):
    first, second = PartnerFactory(slug="first"), PartnerFactory(slug="second")
    call = CallFactory(slug="semester", partners=[first, second])
    to_first = ApplicationFactory(call=call, applicant__full_name="Айгерім Сәрсенова", applicant__email="a@s.example")
    to_second = ApplicationFactory(call=call)
    nominate(to_first, first)
    nominate(to_second, second, status=Application.Status.ACCEPTED)
    ApplicationFactory(call=call)  # a draft is nobody's nominee
    _token, secret = issue(scopes=["nominations"])

    everyone = client.get("/api/v1/nominations/", **bearer(secret)).json()["results"]
    to_host = client.get("/api/v1/nominations/?call=semester&host=first", **bearer(secret)).json()["results"]

    assert {row["application"] for row in everyone} == {to_first.pk, to_second.pk}
    assert len(to_host) == 1
    nominee = to_host[0]
    assert (nominee["full_name"], nominee["email"], nominee["level"]) == (
        "Айгерім Сәрсенова",
        "a@s.example",
        "bachelor",
    )
    assert nominee["faculty"]["name"] == to_first.faculty.name
    assert nominee["host"]["slug"] == "first" and nominee["call"]["slug"] == "semester"
    assert nominee["mobility_starts_on"] == "2027-09-01"
    assert "gpa" not in nominee and "motivation" not in nominee and "phone" not in nominee


def test_mobilities_list_realised_mobilities_with_their_learning_agreement(client, issue, bearer):
    partner = PartnerFactory(slug="host")
    Mobility.objects.create(
        participant_name="Ерлан Тоқтаров",
        email="erlan@kopir.example",
        direction="outgoing",
        partner=partner,
        mobility_type="semester",
        starts_on=datetime.date(2027, 9, 1),
        ends_on=datetime.date(2028, 1, 31),
        final_report="Private thoughts.",
    ).courses.create(host_course="Rock mechanics", host_credits=5, home_course="Geology", home_credits=4)
    Mobility.objects.create(
        participant_name="王芳",
        direction="incoming",
        partner=partner,
        mobility_type="staff_teaching",
        starts_on=datetime.date(2026, 10, 5),
        ends_on=datetime.date(2026, 10, 16),
        status="completed",
    )
    _token, secret = issue(scopes=["mobilities"])

    rows = client.get("/api/v1/mobilities/", **bearer(secret)).json()["results"]
    outgoing = client.get("/api/v1/mobilities/?direction=outgoing&starts_from=2027-01-01", **bearer(secret))

    assert [row["participant_name"] for row in rows] == ["Ерлан Тоқтаров", "王芳"]
    assert rows[0]["courses"] == [
        {"host_course": "Rock mechanics", "host_credits": "5.0", "home_course": "Geology", "home_credits": "4.0"}
    ]
    assert "erlan@" not in str(rows) and "Private thoughts" not in str(rows)
    assert [row["participant_name"] for row in outgoing.json()["results"]] == ["Ерлан Тоқтаров"]


def test_nominations_give_the_passport_spelling_and_come_in_the_rankings_order(client, issue, bearer):
    host = PartnerFactory(slug="xju")
    call = CallFactory(slug="semester", partners=[host])
    second = ApplicationFactory(call=call, applicant__full_name="Аружан Қасымова", latin_name="Kassymova Aruzhan")
    first = ApplicationFactory(
        call=call, applicant__full_name="Бекзат Ахметов", applicant__latin_name="Akhmetov Bekzat"
    )
    for application, rank in ((first, 1), (second, 2)):
        nominate(application, host)
        Application.objects.filter(pk=application.pk).update(selection_rank=rank)
    _token, secret = issue(scopes=["nominations"])

    rows = client.get("/api/v1/nominations/?call=semester&host=xju", **bearer(secret)).json()["results"]

    assert [(row["rank"], row["latin_name"], row["full_name"]) for row in rows] == [
        (1, "Akhmetov Bekzat", "Бекзат Ахметов"),
        (2, "Kassymova Aruzhan", "Аружан Қасымова"),
    ]
