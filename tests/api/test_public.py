"""The public endpoints: the same records and filters as the public pages, never hidden records or personal data."""

import datetime

import pytest
from django.utils import timezone

from mobility.models import CallHost
from partnerships.models import Contact, CooperationCondition, IscedField, Partner, ResearchProject
from tests.factories import (
    ActiveAgreementFactory,
    AgreementFactory,
    ArticleFactory,
    CallFactory,
    JointProgramFactory,
    PartnerFactory,
    UnitFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    response = client.get(path, **headers)
    assert response["Content-Type"] == "application/json", response.content[:300]
    return response


def slugs(response):
    return [row["slug"] for row in response.json()["results"]]


# ---------------------------------------------------------------- partners


def test_partner_list_shows_public_partners_only(client):
    shown = PartnerFactory(name_en="Shown University", slug="shown")
    PartnerFactory(name_en="Hidden University", slug="hidden", is_public=False)

    response = get(client, "/api/v1/partners/")

    assert response.status_code == 200
    assert slugs(response) == ["shown"]
    row = response.json()["results"][0]
    assert row["name"] == "Shown University"
    assert row["url"] == f"http://testserver/api/v1/partners/{shown.slug}/"
    assert row["web_url"] == f"http://testserver/en/partners/{shown.slug}/"


def test_partner_search_finds_a_name_in_another_language_as_the_directory_does(client):
    PartnerFactory(name_en="Xinjiang University", name_zh_hans="新疆大学", slug="xju")
    PartnerFactory(name_en="Tsinghua University", slug="tsinghua")

    assert slugs(get(client, "/api/v1/partners/?q=新疆")) == ["xju"]
    assert slugs(get(client, "/api/v1/partners/?q=xinjang")) == ["xju"]  # a misspelling still matches


def test_partner_filters_have_the_directorys_meaning(client):
    engineering = IscedField.objects.get(code="0711")
    studies = PartnerFactory(slug="studies", country="KR", kind=Partner.Kind.INSTITUTE)
    agreement = ActiveAgreementFactory(partners=[studies], kind="student_exchange")
    condition = CooperationCondition.objects.create(
        agreement=agreement,
        receiving_partner=studies,
        mobility_type="student_studies",
        academic_year_from="2026/2027",
        academic_year_to="2027/2028",
        places_per_year=2,
    )
    condition.fields_of_education.add(engineering)
    program = PartnerFactory(slug="program", country="CN", status=Partner.Status.PROSPECTIVE)
    JointProgramFactory(partners=[program], field=engineering)
    AgreementFactory(partners=[program], kind="student_exchange")  # a draft: not in force

    assert slugs(get(client, "/api/v1/partners/?country=KR")) == ["studies"]
    assert slugs(get(client, "/api/v1/partners/?kind=institute")) == ["studies"]
    assert slugs(get(client, "/api/v1/partners/?status=prospective")) == ["program"]
    assert slugs(get(client, "/api/v1/partners/?agreement_kind=student_exchange")) == ["studies"]
    assert sorted(slugs(get(client, "/api/v1/partners/?field=0711"))) == ["program", "studies"]
    assert slugs(get(client, "/api/v1/partners/?field=0231")) == []
    assert slugs(get(client, "/api/v1/partners/?country=")) != []  # empty means not given


def test_partner_ordering(client):
    PartnerFactory(name_en="Alpha", slug="alpha", country="RU")
    busy = PartnerFactory(name_en="Beta", slug="beta", country="CN")
    ActiveAgreementFactory(partners=[busy])

    assert slugs(get(client, "/api/v1/partners/")) == ["alpha", "beta"]
    assert slugs(get(client, "/api/v1/partners/?ordering=country")) == ["beta", "alpha"]
    assert slugs(get(client, "/api/v1/partners/?ordering=-agreements")) == ["beta", "alpha"]


def test_refused_parameters_get_a_400_naming_each(client):
    response = get(client, "/api/v1/partners/?country=ZZ&page_size=500&field=12&lang=fr")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"country", "page_size", "field", "lang"}


def test_a_refusal_is_written_in_the_readers_language(client):
    response = get(client, "/api/v1/partners/?country=ZZ&lang=ru")

    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    assert response.json()["detail"] == "Некоторые параметры запроса недопустимы."


def test_partner_detail_shows_the_public_record_without_contacts(client):
    partner = PartnerFactory(slug="xju", description_en="A university in Urumqi.")
    Contact.objects.create(partner=partner, name="金刚", email="jin.gang@xju.example", phone="+86 991 000")
    UnitFactory(partner=partner, name_en="Faculty of Chemistry")
    ActiveAgreementFactory(partners=[partner], title_en="Memorandum")
    AgreementFactory(partners=[partner], title_en="Draft in negotiation")
    project = ResearchProject.objects.create(title_en="Secret project", title="Secret project", is_public=False)
    project.partners.add(partner)
    former = PartnerFactory(slug="former-hidden", is_public=False)
    partner.predecessors.add(former)

    response = get(client, "/api/v1/partners/xju/")

    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "A university in Urumqi."
    assert [unit["name"] for unit in body["units"]] == ["Faculty of Chemistry"]
    assert [agreement["title"] for agreement in body["agreements"]] == ["Memorandum"]
    assert body["active_agreements"] == 1
    assert body["projects"] == [] and body["predecessors"] == []
    text = response.content.decode()
    for private in ("jin.gang", "金刚", "+86", "Draft in negotiation", "Secret project", "former-hidden", "contact"):
        assert private not in text


def test_a_hidden_partner_is_not_found(client):
    PartnerFactory(slug="hidden", is_public=False)

    response = get(client, "/api/v1/partners/hidden/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No public partner has this address.", "code": "not_found"}


def test_an_address_without_an_endpoint_is_a_json_404(client):
    response = get(client, "/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# ---------------------------------------------------------------- joint programs


def test_programs_are_the_public_ones_with_public_partners(client):
    shown, hidden = PartnerFactory(slug="shown"), PartnerFactory(slug="hidden", is_public=False)
    JointProgramFactory(slug="public", partners=[shown, hidden], kind="double_degree")
    JointProgramFactory(slug="secret", partners=[shown], is_public=False)

    response = get(client, "/api/v1/programs/")

    assert slugs(response) == ["public"]
    assert [partner["slug"] for partner in response.json()["results"][0]["partners"]] == ["shown"]
    assert slugs(get(client, "/api/v1/programs/?kind=joint_degree")) == []
    assert slugs(get(client, "/api/v1/programs/?partner=hidden")) == []
    assert get(client, "/api/v1/programs/public/").status_code == 200
    assert get(client, "/api/v1/programs/secret/").status_code == 404


# ---------------------------------------------------------------- exchange calls


def test_only_open_published_calls_are_listed_with_their_hosts_and_rules(client):
    host = PartnerFactory(slug="host")
    hidden_host = PartnerFactory(name_en="Hidden host", slug="hidden-host", is_public=False)
    call = CallFactory(slug="open", partners=[host, hidden_host])
    CallHost.objects.filter(call=call, partner=host).update(places=1)
    CallFactory(slug="draft", is_published=False)
    CallFactory(slug="closed", closes_at=timezone.now() - datetime.timedelta(days=1))
    CallFactory(slug="later", opens_at=timezone.now() + datetime.timedelta(days=1))

    response = get(client, "/api/v1/calls/?lang=ru")

    assert slugs(response) == ["open"]
    body = response.json()["results"][0]
    assert [(h["partner"]["slug"], h["places"]) for h in body["hosts"]] == [("host", 1), (None, None)]
    assert body["hosts"][1]["partner"]["name"] == "Hidden host"
    assert body["eligibility"]["min_gpa"] == "2.80"
    assert body["eligibility"]["summary"] == [
        "GPA не ниже 2,80 по 4-балльной шкале",
        "Освоено не менее 60 кредитов",
        "Уровень владения языком не ниже B1",
        "Начиная с 2-го курса",
        "Отсутствие академических задолженностей",
    ]
    assert [criterion["weight"] for criterion in body["criteria"]] == [60, 40]
    assert slugs(get(client, "/api/v1/calls/?partner=host")) == ["open"]
    assert slugs(get(client, "/api/v1/calls/?level=master")) == []
    assert slugs(get(client, "/api/v1/calls/?type=school")) == []


# ---------------------------------------------------------------- news and visits


def test_news_respects_publication_and_its_date(client):
    ArticleFactory(slug="published")
    ArticleFactory(slug="draft", is_published=False)
    ArticleFactory(slug="tomorrow", published_at=timezone.now() + datetime.timedelta(days=1))

    assert slugs(get(client, "/api/v1/news/")) == ["published"]
    assert get(client, "/api/v1/news/published/").json()["body"] == "<p>What happened.</p>"
    assert get(client, "/api/v1/news/draft/").status_code == 404
    assert get(client, "/api/v1/news/tomorrow/").status_code == 404


def test_an_embargoed_article_is_in_no_visit_list_of_the_api_until_its_date(client):
    xju = PartnerFactory(slug="xju")
    ArticleFactory(
        slug="embargoed",
        visit=VisitFactory(partners=[xju], title_en="Embargoed visit"),
        published_at=timezone.now() + datetime.timedelta(days=1),
    )

    assert get(client, "/api/v1/visits/").json()["results"] == []
    assert get(client, "/api/v1/partners/xju/").json()["visits"] == []


def test_news_filters_as_the_news_page(client):
    incoming = ArticleFactory(slug="incoming", visit__direction="incoming", visit__country="KZ")
    ArticleFactory(
        slug="outgoing", visit__starts_on=datetime.date(2024, 5, 1), visit__ends_on=None, visit__precision="month"
    )

    assert slugs(get(client, "/api/v1/news/?direction=incoming")) == ["incoming"]
    assert slugs(get(client, "/api/v1/news/?country=KZ")) == ["incoming"]
    assert slugs(get(client, "/api/v1/news/?year=2024")) == ["outgoing"]
    partner = incoming.visit.partners.get()
    assert slugs(get(client, f"/api/v1/news/?partner={partner.slug}")) == ["incoming"]


def test_visits_calendar_has_visits_with_a_published_article_and_their_dates(client):
    ArticleFactory(slug="shown", visit__title_en="Visit to Urumqi")
    VisitFactory(title_en="Not announced")
    ArticleFactory(slug="draft", is_published=False, visit__title_en="Draft visit")

    response = get(client, "/api/v1/visits/")

    rows = response.json()["results"]
    assert [row["title"] for row in rows] == ["Visit to Urumqi"]
    assert rows[0]["starts_on"] == "2025-10-29" and rows[0]["ends_on"] == "2025-11-02"
    assert rows[0]["precision"] == "day"
    assert rows[0]["article"]["slug"] == "shown"
    assert get(client, "/api/v1/visits/?starts_from=2025-11-01").json()["results"] == []
    assert len(get(client, "/api/v1/visits/?starts_until=2025-11-01").json()["results"]) == 1


# ---------------------------------------------------------------- personal data


def test_no_public_answer_carries_personal_data(client):
    """With the whole demo loaded, no email address, contact or applicant appears in any public endpoint."""
    from accounts.models import User
    from mobility.models import Application
    from tests.quality.pages import populate

    populate()
    secrets = {email for email in User.objects.values_list("email", flat=True)}
    secrets |= {email for email in Contact.objects.values_list("email", flat=True) if email}
    secrets |= {name for name in Contact.objects.values_list("name", flat=True)}
    secrets |= {name for name in User.objects.values_list("full_name", flat=True) if name}
    assert Application.objects.exists() and secrets
    paths = ["/api/v1/partners/", "/api/v1/programs/", "/api/v1/calls/", "/api/v1/news/", "/api/v1/visits/"]
    paths += [f"/api/v1/partners/{slug}/" for slug in Partner.objects.public().values_list("slug", flat=True)]
    paths += ["/api/v1/programs/it-xju/", "/api/v1/news/official-visit-to-xinjiang-university/"]

    for language in ("kk", "ru", "en", "zh-hans"):
        for path in paths:
            response = get(client, f"{path}?lang={language}")
            assert response.status_code == 200, path
            text = response.content.decode()
            assert [secret for secret in secrets if secret in text] == [], path
            assert "@" not in text, path
