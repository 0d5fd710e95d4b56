"""The directory's search: every script, misspellings, cities and domains, answered by an index on PostgreSQL."""

import datetime

import pytest
from django.db import connection

from partnerships import services
from partnerships.models import Campus, Partner
from partnerships.models.partners import normalise, search_document
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="indexes, trigrams and full text are PostgreSQL's"
)


@pytest.fixture
def xju():
    partner = PartnerFactory(
        name_en="Xinjiang University",
        name_ru="Синьцзянский университет",
        name_kk="Шыңжаң университеті",
        name_zh_hans="新疆大学",
        other_names="XJU\nXinjiang Daxue\nXinjiang Institute (former name)",
        city="Ürümqi",
        region="Xinjiang Uyghur Autonomous Region",
    )
    services.add_partner_domain(partner, domain="xju.edu.cn", by=None)
    PartnerFactory(name_en="Lanzhou Jiaotong University", name_zh_hans="兰州交通大学", city="Lanzhou")
    PartnerFactory(name_en="Université de Montréal", city="Montréal", country="CA")
    return partner


def found(query):
    return sorted(Partner.objects.search(query).values_list("name_en", flat=True))


def test_the_search_text_is_case_folded_without_accents_on_latin_letters_and_keeps_cyrillic_and_chinese():
    assert normalise("  Université   de MONTRÉAL ") == "universite de montreal"
    assert normalise("Straße") == "strasse"
    assert normalise("Шыңжаң Йошкар-Ола Ёлка") == "шыңжаң йошкар-ола ёлка"
    assert normalise("新疆大学") == "新疆大学"
    assert normalise("ＸＪＵ") == "xju"  # full-width letters typed on a Chinese keyboard
    document = search_document(["新疆大学"], ["Urumqi"], ["xju.edu.cn"])
    assert document == "新疆大学 | urumqi | xju.edu.cn || 新疆 疆大 大学"


@pytest.mark.parametrize(
    "query",
    [
        "Xinjiang",  # Latin
        "xinjiang university",
        "Синьцзянский",  # Russian
        "университеті",  # Kazakh
        "шыңжаң",
        "新疆",  # Chinese: a word inside a name
        "新疆大学",
        "疆",
        "XJU",  # abbreviation
        "daxue",  # Latin form
        "former name",  # former names
        "xju.edu.cn",  # domain
        "Urumqi",  # city, typed without its accent
        "Ürümqi",
        "uyghur",  # region
    ],
)
def test_every_name_script_city_and_domain_finds_the_partner(xju, query):
    assert found(query) == ["Xinjiang University"]


def test_a_city_finds_the_partners_there_accents_or_not(xju):
    assert found("montreal") == ["Université de Montréal"]
    assert found("Montréal") == ["Université de Montréal"]
    assert found("lanzhou") == ["Lanzhou Jiaotong University"]
    assert found("大学") == ["Lanzhou Jiaotong University", "Xinjiang University"]


def test_a_campus_city_is_searched_too(xju):
    Campus.objects.create(partner=xju, name="Bo'ertala campus", city="Bole")

    assert found("bole") == ["Xinjiang University"]


@on_postgresql
@pytest.mark.parametrize(
    ("query", "partner"),
    [
        ("Xinjang", "Xinjiang University"),
        ("Синцзянский", "Xinjiang University"),
        ("Lanzhuo", "Lanzhou Jiaotong University"),
    ],
)
def test_a_misspelling_still_finds_the_partner(xju, query, partner):
    assert found(query) == [partner]


def test_words_that_match_nothing_find_nothing(xju):
    assert found("Harvard") == []
    assert found("新疆 harvard") == []


@on_postgresql
@pytest.mark.parametrize("query", ["xinjang", "university", "新疆", "大学", "xju.edu.cn", "ur", "urumqi"])
def test_the_search_is_answered_by_an_index_at_a_realistic_size(xju, query):
    Partner.objects.bulk_create(
        Partner(
            name=f"University of Place {n}",
            name_en=f"University of Place {n}",
            name_zh_hans=f"第{n}大学",
            slug=f"place-{n}",
            country="US",
            is_public=True,
            search_text=search_document([f"University of Place {n}", f"第{n}大学"], [f"Town {n}"]),
        )
        for n in range(3_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partnerships_partner")
        # A few thousand rows still fit in a few pages, where scanning them is as cheap: forbid the scan to see
        # that the query is one the indexes can answer (at 10,000 partners the planner picks them itself).
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = Partner.objects.public().search(query).explain()

    assert "partner_search_text_trgm" in plan or "partner_search_text_fts" in plan, plan
    assert "Seq Scan on partnerships_partner" not in plan, plan


def test_the_facets_count_within_the_other_filters_and_run_the_search_once_for_all_of_them(
    xju, django_assert_max_num_queries
):
    from tests.factories import AgreementFactory

    signed = datetime.date(2025, 10, 31)
    AgreementFactory(partners=[xju], kind="student_exchange", status="active", signed_on=signed, valid_from=signed)
    PartnerFactory(name_en="Kazakh National University", country="KZ", city="Almaty")
    PartnerFactory(name_en="Urumqi Vocational University", kind="college")
    filters = {"q": "university", "country": "CN", "kind": "university", "agreement_kind": ""}

    with django_assert_max_num_queries(4) as searched:  # the search, two of figures and the names of fields
        counted, by_country = Partner.objects.public().facets(filters)

    assert sum("search_text" in query["sql"] for query in searched.captured_queries) == 1
    assert by_country == {"CN": 2, "KZ": 1, "CA": 1}  # within kind=university, any country (Université: close)
    assert counted["kind"] == [("university", "University", 2), ("college", "College", 1)]
    assert counted["agreement_kind"] == [("student_exchange", "Student exchange agreement", 1)]
    counted, by_country = Partner.objects.public().facets({**filters, "agreement_kind": "student_exchange"})
    assert by_country == {"CN": 1}
    assert [(value, n) for value, _label, n in counted["kind"]] == [("university", 1)]
