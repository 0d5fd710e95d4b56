"""A NUL byte (or another value nobody types) in any query parameter of any page, in the private calendar's
address, in any admin list's search or filters: never a server error."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.urls import reverse

from .forms import forms_of
from .pages import PUBLIC_PAGES, populate, signed_in_pages

pytestmark = pytest.mark.django_db

NUL = "\x00"
HOSTILE = (NUL, f"1{NUL}", "-1", "99999999999999999999999", "not a value")


def parameters(client, path):
    """The query parameters a page reads: those of its address, of the forms it sends by GET, and its page."""
    response = client.get(path)
    assert response.status_code == 200, path
    names = {name for name, _value in parse_qsl(urlsplit(path).query)} | {"page"}
    for form in forms_of(response.content.decode(), path):
        if form.method == "get" and urlsplit(form.action).path == urlsplit(path).path:
            names |= form.names
    return names


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # a server error is an answer to count, not the end of the test
    return client


def test_no_query_parameter_of_any_page_makes_a_server_error(client):
    populate()
    errors = {}
    for person, pages in [(None, PUBLIC_PAGES), *signed_in_pages()]:
        client.logout()
        if person:
            client.force_login(person)
        for page in pages:
            path = f"/en/{page}"
            address = urlsplit(path)
            for name in parameters(client, path):
                for value in HOSTILE:
                    query = {**dict(parse_qsl(address.query)), name: value}
                    response = client.get(address.path, query)
                    if response.streaming:
                        b"".join(response.streaming_content)
                    if response.status_code >= 500:
                        errors[(person and person.email, path, name, value)] = response.status_code

    assert errors == {}


def test_a_nul_byte_in_a_private_calendar_address_is_not_found(client):
    response = client.get("/en/visits/calendar/%00.ics")

    assert response.status_code == 404


def changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]


def filter_parameters(html):
    """The parameters of the links in a changelist's filters and date drill-down."""
    soup = BeautifulSoup(html, "html.parser")
    names = set()
    for link in soup.select("#changelist-filter a[href], .xfull a[href], nav.date-hierarchy a[href]"):
        names |= {name for name, _value in parse_qsl(urlsplit(link["href"]).query)}
    return names


def test_no_admin_search_or_filter_makes_a_server_error(client, world):
    client.force_login(world.users["superuser"])
    errors, filters = {}, 0
    for changelist in changelists():
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        names = {"q", "o", "p"} | filter_parameters(response.content.decode())
        filters += len(names) - 3
        for name in names:
            for value in (NUL, f"1{NUL}", "not a value"):
                answer = client.get(changelist, {name: value})
                if answer.status_code >= 500:
                    errors[(changelist, name, value)] = answer.status_code

    assert filters > 20  # the lists really have filters to try
    assert errors == {}
