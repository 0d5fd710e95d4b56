import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from config.models import HomeInstitution
from mobility.models import Application, ExchangeCall
from partnerships.models import Agreement, Partner
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_the_home_university_and_people_and_can_run_twice(settings, capsys):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    home = HomeInstitution.objects.get()
    assert home.name_en == "M. Auezov South Kazakhstan University"
    assert home.address_kk == "Тәуке хан даңғылы, 5"
    assert home.phone == "(8-725-2) 21-01-41"
    assert {home.email, home.info_email} == {"canselyarya@mail.ru", "info@auezov.edu.kz"}
    people = set(User.objects.values_list("email", "role"))
    assert {
        ("office@kopir.example", "staff"),
        ("teacher@kopir.example", "faculty"),
        ("student@kopir.example", "student"),
    } <= people
    assert len(people) == 10  # and the applicants of the demo calls
    assert Application.objects.count() == 8
    assert set(Application.objects.values_list("status", flat=True)) >= {"draft", "submitted", "accepted", "waitlisted"}
    assert "office@kopir.example" in capsys.readouterr().out
    xju = Partner.objects.get(slug="xinjiang-university")
    assert (xju.name_zh_hans, xju.name_kk, str(xju.country)) == ("新疆大学", "Шыңжаң университеті", "CN")
    assert set(xju.campuses.values_list("name_en", flat=True)) == {"Honghu (Red Lake) campus", "Boda campus"}
    assert xju.units.filter(name_en="Engineering Training Centre", parent__name_en="Top Engineer College").exists()
    assert xju.contacts.filter(latin_name="Jin Gang").exists()
    memorandum = Agreement.objects.get(partners=xju)
    assert (memorandum.kind, memorandum.status) == ("mou", "active")
    assert memorandum.conditions.count() == 4
    assert set(xju.programs.values_list("status", flat=True)) == {"proposed"}
    assert xju.programs.count() == 3
    visit = Visit.objects.get(title_en="Official visit to Xinjiang University")
    assert (visit.starts_on.isoformat(), visit.ends_on.isoformat(), visit.direction) == (
        "2025-10-29",
        "2025-11-02",
        "outgoing",
    )
    assert visit.members.get(role="head").name == "E. Imangaliyev"
    assert visit.agenda.count() == 4
    assert visit.article.is_published and visit.article.languages_available() == ["kk", "ru", "en"]
    delegation = visit.outcomes.get(description_en__startswith="The Chinese side").follow_up_visit
    assert (delegation.direction, delegation.period, str(delegation.country)) == ("incoming", "2026", "KZ")
    assert Visit.objects.count() == 2
    call = ExchangeCall.objects.get(slug="semester-exchange-xinjiang-university")
    assert visit.outcomes.get(description_en__startswith="Launch student").call == call
    assert call.criteria.count() == 3


def test_seed_demo_refuses_to_create_known_passwords_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")

    assert not User.objects.exists()


def test_demo_users_sign_in_with_the_printed_password(client, settings):
    settings.DEBUG = True
    call_command("seed_demo")

    response = client.post("/en/accounts/login/", {"login": "student@kopir.example", "password": "kopir-demo"})

    assert response.status_code == 302
    assert client.get("/en/").context["user"].email == "student@kopir.example"
