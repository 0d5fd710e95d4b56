"""The directory's search: every script, misspellings, cities and domains, answered by an index on PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q

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


@pytest.mark.parametrize("query", ["Үрімші", "Урумчи", "乌鲁木齐", "博乐", "Боле"])
def test_a_city_is_searched_as_every_language_writes_it_for_the_partner_and_its_campuses(xju, query):
    xju.city_kk, xju.city_ru, xju.city_zh_hans = "Үрімші", "Урумчи", "乌鲁木齐"
    xju.save()
    Campus.objects.create(partner=xju, name="Bo'ertala campus", city_en="Bole", city_ru="Боле", city_zh_hans="博乐")
    services.refresh_search_text([xju])

    assert found(query) == ["Xinjiang University"]


def test_the_migration_writes_every_language_of_the_city_into_the_search_text_of_existing_partners(xju):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("partnerships.migrations.0019_search_text_cities_in_every_language")
    Partner.objects.filter(pk=xju.pk).update(city_ru="Урумчи", city_zh_hans="乌鲁木齐")  # as rows written before
    written = Partner.objects.filter(name_en="Lanzhou Jiaotong University").values_list("search_text", flat=True)
    before = list(written)
    assert found("Урумчи") == found("乌鲁木齐") == []

    migration.rebuild_search_text(apps, None)

    assert found("Урумчи") == found("乌鲁木齐") == ["Xinjiang University"]
    assert list(written) == before  # a text that was already whole is written the same


@pytest.mark.parametrize(
    "query", ["xju.edu.cn", "XJU.EDU.CN", "xju.edu", "li.ming@xju.edu.cn", "https://www.xju.edu.cn/"]
)
def test_a_domain_finds_the_domains_with_its_whole_labels_not_its_close_neighbours(xju, query):
    for name, domain in [
        ("Xi'an Jiaotong University", "xjtu.edu.cn"),
        ("Hexi University", "hxju.edu.cn"),
        ("Xinjiang University Medical School", "med.xju.edu.cn"),
        ("Shihezi University", "shzu.edu.cn"),
    ]:
        services.add_partner_domain(PartnerFactory(name_en=name), domain=domain, by=None)

    assert found(query) == ["Xinjiang University", "Xinjiang University Medical School"]


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
    assert counted["agreement_kind"] == [
        ("any", "Any active agreement", 1),
        ("student_exchange", "Student exchange agreement", 1),
    ]
    counted, by_country = Partner.objects.public().facets({**filters, "agreement_kind": "student_exchange"})
    assert by_country == {"CN": 1}
    assert [(value, n) for value, _label, n in counted["kind"]] == [("university", 1)]


@pytest.mark.parametrize(
    ("language", "query"),
    [("en", "university"), ("ru", "Синьцзянский"), ("zh-hans", "新疆"), ("en", "Xinjang"), ("kk", "Urumqi")],
)
def test_the_directory_finds_the_partner_in_every_script_misspelt_and_by_city(client, xju, language, query):
    if query == "Xinjang" and connection.vendor != "postgresql":
        pytest.skip("close words are PostgreSQL's trigrams")
    Partner.objects.update(is_public=True)

    response = client.get(f"/{language}/partners/", {"q": query})

    listed = [partner.pk for partner in response.context["page"].object_list]
    assert xju.pk in listed
    assert response.context["page"].paginator.count == len(found(query)) == len(listed)


@pytest.fixture
def directory(xju):
    """Partners in three countries and of two kinds, with agreements in force and ended, programs and conditions
    in fields of education: the figures every facet counts."""
    from partnerships.models import CooperationCondition, IscedField
    from tests.factories import ActiveAgreementFactory, AgreementFactory, JointProgramFactory

    kazakh = PartnerFactory(name_en="Kazakh National University", country="KZ", city="Almaty")
    college = PartnerFactory(name_en="Urumqi Vocational University", kind="college", status="active")
    hidden = PartnerFactory(name_en="Hidden University", is_public=False)
    ActiveAgreementFactory(partners=[xju, kazakh], kind="student_exchange")
    ActiveAgreementFactory(partners=[xju], kind="mou")
    AgreementFactory(partners=[college], kind="mou", status="ended")
    ActiveAgreementFactory(partners=[hidden], kind="mou")
    engineering, ict = IscedField.objects.get(code="0711"), IscedField.objects.get(code="0613")
    JointProgramFactory(partners=[college], field=engineering)
    condition = CooperationCondition.objects.create(
        agreement=ActiveAgreementFactory(partners=[kazakh], kind="double_degree"),
        receiving_partner=kazakh,
        mobility_type="student_studies",
        academic_year_from="2026/2027",
        academic_year_to="2027/2028",
        places_per_year=3,
    )
    condition.fields_of_education.add(engineering, ict)
    Partner.objects.filter(pk__in=[xju.pk, kazakh.pk, college.pk]).update(is_public=True)
    return Partner.objects.public()


def naive_facets(filters):
    """Every facet counted the slow, plain way: each public partner read with its agreements and fields, checked
    against every filter but the facet's own."""
    from partnerships.models import Agreement

    partners = Partner.objects.public()
    if filters.get("q"):
        partners = partners.search(filters["q"])
    values = {}
    for partner in partners:
        active = Agreement.objects.active().filter(partners=partner)
        fields = {program.field.code for program in partner.programs.all() if program.field}
        for agreement in Agreement.objects.filter(partners=partner):
            for condition in agreement.conditions.all():
                fields |= {field.code for field in condition.fields_of_education.all()}
        values[partner.pk] = {
            "country": {str(partner.country)},
            "kind": {partner.kind},
            "status": {partner.status},
            "agreement_kind": {agreement.kind for agreement in active} | ({"any"} if active else set()),
            "field": fields,
        }
    counts = {}
    for facet in ("country", "kind", "status", "agreement_kind", "field"):
        counts[facet] = {}
        for own in values.values():
            others = [name for name in own if name != facet and filters.get(name)]
            if all(filters[name] in own[name] for name in others):
                for value in own[facet]:
                    counts[facet][value] = counts[facet].get(value, 0) + 1
    return counts


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "university"},
        {"q": "university", "country": "CN"},
        {"kind": "university", "agreement_kind": "student_exchange"},
        {"field": "0711"},
        {"q": "univ", "status": "active", "field": "0613"},
        {"country": "KZ", "kind": "college"},
        {"agreement_kind": "any", "country": "CN"},
        {"q": "almaty", "country": "CN", "kind": "college", "status": "dormant", "agreement_kind": "mou"},
    ],
)
def test_the_facets_equal_a_naive_count(directory, filters):
    counted, by_country = directory.facets(filters)

    naive = naive_facets(filters)
    # A chosen value is offered even when no partner has it: at 0, which the naive count leaves out.
    chosen = {(facet, filters[facet]) for facet in counted if filters.get(facet)}
    assert {(facet, value) for facet, choices in counted.items() for value, _label, n in choices if not n} <= chosen
    assert {(facet, value) for facet, choices in counted.items() for value, _label, _n in choices} >= chosen
    assert {facet: {value: n for value, _label, n in choices if n} for facet, choices in counted.items()} == naive
    assert by_country == naive["country"]


def test_the_list_holds_the_partners_that_pass_every_filter_sorted_as_asked(directory, xju):
    from partnerships.models import Agreement

    for filters in ({"q": "university", "sort": "-agreements"}, {"agreement_kind": "mou"}, {"field": "0711"}):
        expected = directory.matching(filters).annotate(
            active_agreements=Count("agreements", filter=Q(agreements__status=Agreement.Status.ACTIVE), distinct=True)
        )
        if filters.get("sort"):
            expected = expected.order_by("-active_agreements", "name", "pk")
        else:
            expected = expected.order_by("name", "pk")

        assert directory.directory(filters).ids == list(expected.values_list("pk", flat=True))


@on_postgresql
def test_a_misspelt_word_is_looked_up_in_the_word_table_by_its_trigram_index(xju):
    Partner.objects.bulk_create(
        Partner(name=f"Place {n}", name_en=f"Place {n}", slug=f"place-{n}", search_text=f"place{n} town{n}")
        for n in range(3_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partnerships_searchword")
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = Partner.objects.public().search("xinjang").explain()

    assert "partner_search_word_trgm" in plan, plan
    assert "partner_search_text_fts" in plan, plan


@on_postgresql
def test_the_database_keeps_the_word_table_as_partners_are_saved(xju):
    partner = PartnerFactory(name_en="Qwertyville Polytechnic")

    assert found("Qwertyvile") == ["Qwertyville Polytechnic"]
    partner.name_en = "Zanzibarton Polytechnic"
    partner.save()
    assert found("Zanzibartn") == ["Zanzibarton Polytechnic"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM partnerships_searchword WHERE word LIKE 'zanzibar%%'")
        assert cursor.fetchall() == [("zanzibarton",)]


@pytest.mark.parametrize("query", ["university", "Синьцзянский", "新疆", "Xinjang", "Urumqi", ""])
def test_the_directory_costs_the_same_queries_with_10_or_500_more_partners(client, directory, query):
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ActiveAgreementFactory

    client.get("/en/partners/")  # what every page reads once (the home university) kept from here on
    counts = []
    for more in (10, 500):
        created = Partner.objects.bulk_create(
            Partner(
                name=f"University {more}-{n}",
                name_en=f"University {more}-{n}",
                slug=f"u-{more}-{n}",
                country=("CN", "KZ", "US")[n % 3],
                is_public=True,
                search_text=search_document([f"University {more}-{n}"], [f"Town {n}"]),
            )
            for n in range(more)
        )
        ActiveAgreementFactory(partners=created[:50])
        with CaptureQueriesContext(db) as queries:
            assert client.get("/en/partners/", {"q": query, "page": 2}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 8


@pytest.mark.parametrize("language", ["en", "ru", "kk", "zh-hans"])
@pytest.mark.parametrize("sort", ["name", "country"])
def test_the_directory_is_in_the_order_the_database_sorts_names_in_each_language(directory, language, sort):
    from django.utils.translation import override

    from config.i18n import localized_expression

    PartnerFactory(name_en="Aachen University", name_ru="Ахенский университет", name_zh_hans="亚琛大学", country="DE")
    PartnerFactory(name_en="Zhejiang University", name_ru="Чжэцзянский университет", name_zh_hans="浙江大学")
    order = ("country", "sort_name", "pk") if sort == "country" else ("sort_name", "pk")
    with override(language):
        for q in ("", "university"):
            expected = Partner.objects.public().search(q) if q else Partner.objects.public()
            expected = expected.annotate(sort_name=localized_expression()).order_by(*order)

            assert Partner.objects.public().directory({"q": q, "sort": sort}).ids == list(
                expected.values_list("pk", flat=True)
            )


def test_a_search_reads_the_matching_ids_only_and_a_saved_change_shows_at_the_next_one(
    xju, django_assert_max_num_queries
):
    from config import pagecache

    pagecache.content_changed("partnerships")
    Partner.objects.public().directory({"q": "university"})  # the partners' places and figures kept

    with django_assert_max_num_queries(2) as searched:  # the search, the names of fields (none here)
        found = Partner.objects.public().directory({"q": "university"})

    (search,) = [query["sql"] for query in searched.captured_queries if "search_text" in query["sql"]]
    assert search.startswith('SELECT "partnerships_partner"."id" AS "pk" FROM'), search
    assert "ORDER BY" not in search.rsplit(")", 1)[-1], search
    assert found.by_country == {"CN": 2, "CA": 1}
    xju.name_en, xju.country = "Aaa Xinjiang University", "KZ"
    xju.save()
    found = Partner.objects.public().directory({"q": "university"})
    assert found.ids[0] == xju.pk
    assert found.by_country == {"CN": 1, "CA": 1, "KZ": 1}


def test_a_partner_written_without_a_save_is_listed_too(xju):
    Partner.objects.public().directory({})  # the partners' places kept
    (written,) = Partner.objects.bulk_create(
        [Partner(name="Aarhus University", name_en="Aarhus University", slug="aarhus", country="DK", is_public=True)]
    )

    found = Partner.objects.public().directory({})

    assert found.ids[0] == written.pk
    assert found.by_country["DK"] == 1
