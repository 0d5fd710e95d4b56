import datetime
import json
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from simple_history.models import registered_models

from accounts.models import User
from config.models import HomeInstitution
from config.translations import translator_languages
from mobility.models import Application, ExchangeCall, Mobility
from notifications.models import Notification
from notifications.services import sweep_reminders
from partnerships.models import Agreement, Campus, IscedField, JointProgram, Partner, ResearchProject, Unit
from visits.models import NewsArticle, Outcome, Visit

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
        ("translator@kopir.example", "student"),
    } <= people
    assert len(people) == 12  # and the applicants of the demo calls
    assert translator_languages(User.objects.get(email="translator@kopir.example")) == ["kk", "zh-hans"]
    assert Application.objects.count() == 10
    assert set(Application.objects.values_list("status", flat=True)) >= {
        "draft",
        "submitted",
        "under_review",
        "shortlisted",
        "accepted",
        "waitlisted",
    }
    assert "office@kopir.example" in capsys.readouterr().out
    xju = Partner.objects.get(slug="xinjiang-university")
    assert (xju.name_zh_hans, xju.name_kk, str(xju.country)) == ("新疆大学", "Шыңжаң университеті", "CN")
    assert set(xju.campuses.values_list("name_en", flat=True)) == {"Honghu (Red Lake) campus", "Boda campus"}
    assert xju.units.filter(name_en="Engineering Training Centre", parent__name_en="Top Engineer College").exists()
    assert xju.contacts.filter(latin_name="Jin Gang").exists()
    memorandum = Agreement.objects.get(partners=xju)
    assert (memorandum.kind, memorandum.status, memorandum.signed_on) == ("mou", "active", datetime.date(2025, 10, 31))
    assert memorandum.conditions.count() == 4
    assert set(xju.programs.values_list("status", flat=True)) == {"proposed", "in_development", "running"}
    assert xju.programs.count() == 3
    visit = Visit.objects.get(title_en="Official visit to Xinjiang University")
    assert (visit.starts_on.isoformat(), visit.ends_on.isoformat(), visit.direction, visit.status) == (
        "2025-10-29",
        "2025-11-02",
        "outgoing",
        "reported",
    )
    assert visit.members.get(role="head").name == "E. Imangaliyev"
    assert visit.agenda.count() == 4
    assert visit.article.is_published and visit.article.languages_available() == ["kk", "ru", "en", "zh-hans"]
    delegation = visit.outcomes.get(description_en__startswith="The Chinese side").follow_up_visit
    assert (delegation.direction, str(delegation.country), delegation.status) == ("incoming", "KZ", "approved")
    assert Visit.objects.count() == 3  # the visit, the delegation it promised, a working visit to Tomsk
    call = ExchangeCall.objects.get(slug="semester-exchange-xinjiang-university")
    assert visit.outcomes.get(description_en__startswith="Launch student").call == call
    assert call.criteria.count() == 3


def test_seed_demo_builds_every_object_with_its_history(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    for agreement in Agreement.objects.all():  # each opened as a draft and moved step by step
        steps = list(agreement.transitions.order_by("pk").values_list("to_status", flat=True))
        assert steps[0] == "draft" and steps[-1] == agreement.status, agreement
    memorandum = Agreement.objects.get(reference_number="MoU-XJU-2025")
    assert list(memorandum.transitions.order_by("pk").values_list("to_status", flat=True)) == [
        "draft",
        "negotiation",
        "awaiting_signature",
        "active",
    ]
    for visit in Visit.objects.all():  # each proposed, then moved step by step
        steps = list(visit.transitions.order_by("pk").values_list("to_status", flat=True))
        assert steps[0] == "proposed" and steps[-1] == visit.status, visit
    xinjiang = Visit.objects.get(title_en="Official visit to Xinjiang University")
    assert xinjiang.transitions.count() == 6 and hasattr(xinjiang, "report")
    for application in Application.objects.exclude(status="draft"):
        assert application.transitions.order_by("-pk").first().to_status == application.status, application
        assert application.documents.count() == len(application.call.document_kinds)
        assert application.submitted_at is not None
    accepted = Application.objects.get(status="accepted")
    assert accepted.call.selection_confirmed_at is not None
    mobility = Mobility.objects.get(application=accepted)
    assert mobility.learning_agreement_approved_at is not None and mobility.agreement is not None
    assert Partner.objects.get(slug="xinjiang-university").history.exists()
    people = set(User.objects.values_list("pk", flat=True))
    office = User.objects.get(email="office@kopir.example").pk
    by_others = {"Application", "Review", "Score"}  # the applicants' and reviewers' own work
    written = [model for model in registered_models.values() if hasattr(model, "history") and model is not IscedField]
    assert len([model for model in written if model.objects.exists()]) >= 20
    for model in written:  # every object the demo writes has the history a real one has: who, and why
        for obj in model.objects.all():
            rows = obj.history.exclude(history_user=None)
            actors = set(rows.values_list("history_user", flat=True))
            assert actors and actors <= people, (model.__name__, obj.pk)
            assert model.__name__ in by_others or office in actors, (model.__name__, obj.pk)
            assert all(rows.values_list("history_change_reason", flat=True)), (model.__name__, obj.pk)


SEED_MODULES = ["accounts/demo.py", "partnerships/demo.py", "mobility/demo.py", "visits/demo.py"]
DIRECT_WRITE = re.compile(r"\.objects\.\w*create|bulk_create|bulk_update|\.(save|update|delete|set|add|remove)\(")


def test_seed_demo_writes_nothing_but_through_services():
    """The models without history (users, call hosts, criteria, delegation members) are guarded by the source."""
    root = Path(__file__).resolve().parents[2]
    for module in [*SEED_MODULES, "config/management/commands/seed_demo.py"]:
        source = (root / module).read_text(encoding="utf-8")
        assert not DIRECT_WRITE.findall(source), module


def test_seed_demo_draws_both_sides_whole(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    home_units = Unit.objects.filter(partner=None)
    assert home_units.filter(kind="faculty").count() == 3
    assert home_units.filter(kind="department", parent__kind="faculty").count() >= 6
    assert home_units.filter(kind="office", name_en="International Cooperation Office").exists()
    assert Campus.objects.filter(partner=None).count() == 2
    xju = Partner.objects.get(slug="xinjiang-university")
    assert ResearchProject.objects.filter(partners=xju).count() == 2
    visit = Visit.objects.get(title_en="Official visit to Xinjiang University")
    produced = visit.outcomes.all()
    assert produced.filter(agreement__reference_number="MoU-XJU-2025").exists()
    assert produced.filter(program__slug="engineering-xju").exists()
    assert produced.filter(project__acronym="GEO-TS").exists()
    assert produced.filter(call__slug="semester-exchange-xinjiang-university").exists()
    assert produced.filter(follow_up_visit__direction="incoming").exists()
    overdue = produced.get(status="open", due_on__lt=timezone.localdate())  # the overdue action item
    assert overdue.call.slug == "doctoral-scientific-practice-xinjiang-university"
    assert all(outcome.description_kk and outcome.description_zh_hans for outcome in produced)
    assert Mobility.objects.filter(direction="incoming").exists() and Mobility.objects.filter(direction="outgoing")


def test_seed_demo_directory_shows_partners_in_six_countries(settings, client):
    settings.DEBUG = True

    call_command("seed_demo")

    public = Partner.objects.public()
    assert public.count() >= 9
    assert {str(country) for country in public.values_list("country", flat=True)} >= {
        "CN",
        "RU",
        "TR",
        "KR",
        "DE",
        "UZ",
    }
    for partner in public:
        assert all(partner.name_kk and partner.name_ru and partner.name_en and partner.name_zh_hans), partner
    assert len(set(Agreement.objects.values_list("kind", flat=True))) >= 6
    assert set(Agreement.objects.values_list("status", flat=True)) == set(Agreement.Status.values)
    assert JointProgram.objects.public().count() >= 3
    response = client.get("/en/partners/")
    assert response.status_code == 200 and response.context["page"].paginator.count >= 9


def test_seed_demo_reads_its_partners_from_a_universities_file(settings, tmp_path):
    settings.DEBUG = True
    records = [
        {
            "name": "Seoul National University",
            "domains": ["snu.ac.kr"],
            "web_pages": ["https://www.snu.ac.kr/"],
            "alpha_two_code": "KR",
            "state-province": "Seoul",
        },
        {"name": "Some Other College", "domains": ["other.example"], "web_pages": [], "alpha_two_code": "KR"},
    ]
    universities = tmp_path / "world_universities_and_domains.json"
    universities.write_text(json.dumps(records), encoding="utf-8")

    call_command("seed_demo", universities=str(universities))

    seoul = Partner.objects.get(domains__domain="snu.ac.kr")
    assert (seoul.region, seoul.website, seoul.name_ru) == (
        "Seoul",
        "https://www.snu.ac.kr/",
        "Сеульский национальный университет",
    )
    assert not Partner.objects.filter(domains__domain="other.example").exists()  # only the demo's partners
    assert Partner.objects.public().count() >= 9  # the rest from the demo's own records


@pytest.mark.parametrize("language", ["kk", "ru", "en", "zh-hans"])
def test_seed_demo_article_of_the_visit_reads_in_every_language(settings, client, language):
    settings.DEBUG = True
    call_command("seed_demo")

    response = client.get(f"/{language}/visits/official-visit-to-xinjiang-university/")

    assert response.status_code == 200
    assert response.context["fallback_notice"] is None
    html = response.content.decode()
    for words in {
        "kk": ["Хунху", "Цзинь Ган", "«Үздік инженер»", "Бода", "меморандум", "2026"],
        "ru": ["Хунху", "Цзинь Ган", "«Выдающийся инженер»", "Бода", "меморандум", "2026"],
        "en": ["Honghu", "Jin Gang", "Top Engineer", "Boda", "memorandum", "2026"],
        "zh-hans": ["红湖校区", "金副校长", "卓越工程师学院", "博达校区", "备忘录", "2026"],
    }[language]:
        assert words in html


def test_seed_demo_short_article_shows_the_language_fallback(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    article = NewsArticle.objects.get(slug="working-visit-to-tomsk-polytechnic-university")
    assert article.languages_available() == ["ru", "en"]

    assert client.get("/en/visits/working-visit-to-tomsk-polytechnic-university/").context["fallback_notice"] is None
    assert client.get("/kk/visits/working-visit-to-tomsk-polytechnic-university/").context["fallback_notice"]


def counts():
    models = (Partner, Agreement, ExchangeCall, Application, Mobility, Visit, Outcome, NewsArticle, User, Unit)
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_a_year_ahead_still_has_open_calls_and_reminders_and_a_day_later_no_duplicates(settings, client):
    settings.DEBUG = True
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365), tick=False):
        call_command("seed_demo")
        today = timezone.localdate()
        assert_the_demo_is_alive(client, today)
        before = counts()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=366), tick=False):
        call_command("seed_demo")
        assert counts() == before
        assert_the_demo_is_alive(client, timezone.localdate())


def assert_the_demo_is_alive(client, today):
    now = timezone.now()
    response = client.get("/en/mobility/")
    open_calls = {call.slug for call in response.context["page"]}
    assert open_calls >= {
        "semester-exchange-xinjiang-university",
        "teaching-staff-internship-xinjiang-university",
        "doctoral-scientific-practice-xinjiang-university",
    }
    calls = ExchangeCall.objects.published()
    assert calls.filter(closes_at__lte=now, selection_confirmed_at__isnull=True).exists()  # under review
    assert calls.filter(opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + datetime.timedelta(days=7)).exists()
    assert Agreement.objects.active().filter(valid_until__range=(today, today + datetime.timedelta(days=90))).exists()
    assert Visit.objects.get(title_en="Working visit to Tomsk Polytechnic University").status == "completed"

    sweep_reminders(today=today)

    rules = set(Notification.objects.values_list("rule", flat=True))
    assert {"agreement_expiry", "visit_report_overdue", "outcome_overdue"} <= rules


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
