import datetime

import pytest
import time_machine
from django.core.cache import cache

from insights.network import country_shapes, network
from mobility.models import Mobility
from partnerships.models import Partner
from tests.factories import ActiveAgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)
MAP = "/en/partners/map/"


def world(size):
    for n in range(size):
        china = PartnerFactory(country="CN")
        PartnerFactory(country="KZ")  # no agreement in force: not counted
        ActiveAgreementFactory(partners=[PartnerFactory(country="RU", is_public=False)])  # hidden: not counted
        PartnerFactory(country="DE", status=Partner.Status.PROSPECTIVE)  # not a partner yet
        ActiveAgreementFactory(partners=[china])
        Mobility.objects.create(
            participant_name=f"P{n}",
            direction="outgoing",
            partner=china,
            mobility_type="semester",
            starts_on=datetime.date(2025, 9, 1),
            ends_on=datetime.date(2026, 1, 31),
        )
        Mobility.objects.create(
            participant_name=f"Q{n}",
            direction="outgoing",
            partner=china,
            mobility_type="semester",
            starts_on=datetime.date(2024, 9, 1),
            ends_on=datetime.date(2025, 1, 31),
        )  # last academic year


def test_the_map_ships_a_shape_for_the_partner_countries():
    shapes = country_shapes()
    assert {"CN", "KZ", "RU", "DE", "US"} <= set(shapes)
    assert sum(len(data) for data in shapes.values()) < 60_000


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_headline_figures_the_map_and_the_table(client):
    world(2)

    answer = client.get(MAP)
    page = answer.content.decode()
    figures = answer.context

    assert (figures["partners"], len(figures["countries"]), figures["agreements"], figures["mobilities"]) == (
        2,
        1,
        4,
        2,
    )
    assert [(country.code, country.partners) for country in figures["countries"]] == [("CN", 2)]
    assert 'role="img"' in page and '<title id="map-title">' in page
    assert page.count('<path d="') - page.count('<path d="M') == 0
    assert page.count('class="partner-country level-') == 1 + 3  # China, and the three shades of the legend
    assert '<a href="/en/partners/?country=CN&amp;agreement_kind=any">China</a>' in page
    assert "Partner institutions with an active agreement" in page
    assert "2 to 5 partner institutions" in page and "6 or more partner institutions" in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


@pytest.mark.parametrize("size", [1, 3])
@time_machine.travel(NOW, tick=False)
def test_the_page_reads_a_fixed_number_of_queries_and_none_once_cached(client, size, django_assert_num_queries):
    world(size)
    with django_assert_num_queries(4):  # the figures, and the home university of every page's header
        client.get(MAP)
    with django_assert_num_queries(1):
        client.get(MAP)


@time_machine.travel(NOW, tick=False)
def test_every_figure_and_country_links_to_a_directory_list_of_as_many_partners(client):
    world(3)
    ActiveAgreementFactory(partners=[PartnerFactory(country="KZ"), PartnerFactory(country="KZ", is_public=False)])
    PartnerFactory(country="CN", status=Partner.Status.PROSPECTIVE)  # listed by the directory, not by the figures

    figures = client.get(MAP).context
    listed = {url: client.get(url).context["page"].paginator.count for url in [figures["partners_url"]]}
    listed |= {country.url: client.get(country.url).context["page"].paginator.count for country in figures["countries"]}

    assert listed == {
        figures["partners_url"]: figures["partners"],
        **{country.url: country.partners for country in figures["countries"]},
    }
    assert [(country.code, country.partners) for country in figures["countries"]] == [("CN", 3), ("KZ", 1)]


@time_machine.travel(NOW, tick=False)
def test_a_saved_partner_shows_at_once(client):
    world(1)
    client.get(MAP)
    japan = PartnerFactory(country="JP")
    ActiveAgreementFactory(partners=[japan])  # its partners are set after the agreement is saved

    assert len(client.get(MAP).context["countries"]) == 2


def test_the_figures_are_cached_per_language(client):
    ActiveAgreementFactory(partners=[PartnerFactory(country="CN")])
    client.get(MAP)
    client.get("/zh-hans/partners/map/")
    assert cache.get("insights:network:en")["countries"][0].name == "China"
    assert cache.get("insights:network:zh-hans")["countries"][0].name == "中国"
    assert network()["partners"] == 1


def test_the_directory_links_to_the_map(client):
    assert 'href="/en/partners/map/"' in client.get("/en/partners/").content.decode()
