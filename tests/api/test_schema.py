"""The OpenAPI document: valid, complete, with no drf-spectacular warning, in English, every answer described."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import get_resolver

pytestmark = pytest.mark.django_db

PUBLIC_ANSWERS = {"200", "304", "400", "404", "429"}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """Generated as a client generator would read it; --fail-on-warn turns every warning into a failure."""
    path = tmp_path_factory.mktemp("schema") / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def api_routes():
    resolver = get_resolver()
    api = next(pattern for pattern in resolver.url_patterns if str(pattern.pattern) == "api/")
    ewp = next(pattern for pattern in resolver.url_patterns if str(pattern.pattern) == "api/v1/ewp/")
    routes = {str(pattern.pattern) for pattern in api.url_patterns if str(pattern.pattern).startswith("v1/")}
    return routes | {f"v1/ewp/{pattern.pattern}" for pattern in ewp.url_patterns}


def test_every_endpoint_is_in_the_schema(schema):
    documented = {
        path.removeprefix("/api/")
        .replace("{id}", "<int:pk>")
        .replace("{slug}", "<slug:slug>")
        .replace("{iia_id}", "<str:iia_id>")
        for path in schema["paths"]
    }

    assert documented == api_routes()


def test_every_operation_describes_each_answer_it_can_give(schema):
    for path, methods in schema["paths"].items():
        assert set(methods) == {"get"}, path
        operation = methods["get"]
        private = "security" in operation
        expected = PUBLIC_ANSWERS | ({"401", "403"} if private else set())
        assert set(operation["responses"]) == expected, path
        assert operation["summary"] and operation["description"], path
        assert all(parameter.get("description") for parameter in operation["parameters"]), path
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "Retry-After" in operation["responses"]["429"]["headers"], path
        if private:
            assert operation["security"] == [{"token": []}], path


def test_private_endpoints_are_exactly_those_behind_a_token(schema):
    private = {path for path, methods in schema["paths"].items() if "security" in methods["get"]}

    assert private == {
        "/api/v1/agreements/",
        "/api/v1/agreements/{id}/",
        "/api/v1/selections/",
        "/api/v1/nominations/",
        "/api/v1/mobilities/",
        "/api/v1/ewp/iias/",
        "/api/v1/ewp/iias/{iia_id}/",
        "/api/v1/ewp/institutions/",
        "/api/v1/ewp/ounits/",
        "/api/v1/ewp/factsheet/",
    }
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_served_schema_is_english_whatever_the_readers_language(client):
    english = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en").content
    russian = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="ru").content

    assert english == russian
    assert b"Partner institutions" in english
