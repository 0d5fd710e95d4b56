import pytest
from lxml import etree

from ewp import iia, services
from ewp.validation import schema_errors
from partnerships.models import Partner


@pytest.fixture
def ewp_token(issue):
    return issue(scopes=["ewp"])[1]


def test_the_endpoints_refuse_a_request_without_a_token(client, xju_demo):
    for address in ("iias/", f"iias/{iia.our_iia_id(xju_demo)}/", "institutions/", "ounits/", "factsheet/"):
        response = client.get(f"/api/v1/ewp/{address}")
        assert response.status_code == 401, address
        assert response["Content-Type"] == "application/json"


def test_the_endpoints_refuse_a_token_without_the_ewp_scope(client, xju_demo, issue, bearer):
    _token, secret = issue(scopes=["agreements"])

    response = client.get("/api/v1/ewp/institutions/", **bearer(secret))

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_the_index_lists_only_agreements_marked_ready(client, xju_demo, office, ewp_token, bearer):
    ns = {"i": iia.INDEX_NS}
    empty = client.get("/api/v1/ewp/iias/", **bearer(ewp_token))
    assert empty.status_code == 200
    assert etree.fromstring(empty.content).findall("i:iia-id", ns) == []

    services.mark_ready_to_exchange(xju_demo, by=office)
    listed = client.get("/api/v1/ewp/iias/", **bearer(ewp_token))

    assert listed["Content-Type"] == "application/xml; charset=utf-8"
    assert [element.text for element in etree.fromstring(listed.content).findall("i:iia-id", ns)] == [
        iia.our_iia_id(xju_demo)
    ]
    assert schema_errors(listed.content, "iias-index") == []


def test_get_serves_an_offered_agreement_and_404s_otherwise(client, xju_demo, office, ewp_token, bearer):
    address = f"/api/v1/ewp/iias/{iia.our_iia_id(xju_demo)}/"
    assert client.get(address, **bearer(ewp_token)).status_code == 404  # not marked ready yet

    services.mark_ready_to_exchange(xju_demo, by=office)
    response = client.get(address, **bearer(ewp_token))

    assert response.status_code == 200
    assert schema_errors(response.content, "iias-get") == []
    assert client.get("/api/v1/ewp/iias/kopir-999999/", **bearer(ewp_token)).status_code == 404

    Partner.objects.filter(slug="xinjiang-university").update(hei_id="")  # no longer validates
    refused = client.get(address, **bearer(ewp_token))
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("address", "schema"), [("institutions/", "institutions"), ("ounits/", "ounits"), ("factsheet/", "factsheet")]
)
def test_the_home_university_documents_validate(client, xju_demo, ewp_token, bearer, address, schema):
    response = client.get(f"/api/v1/ewp/{address}", **bearer(ewp_token))

    assert response.status_code == 200
    assert response["ETag"]
    assert schema_errors(response.content, schema) == []


def test_a_home_document_that_does_not_validate_is_not_offered(client, xju_demo, ewp_token, bearer):
    from config.models import HomeInstitution

    HomeInstitution.objects.update(hei_id="")

    response = client.get("/api/v1/ewp/institutions/", **bearer(ewp_token))

    assert response.status_code == 404
    assert response.json()["code"] == "not_offered"
