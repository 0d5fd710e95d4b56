"""The API's documentation pages: Swagger UI and Redoc, served by the portal, working under its CSP.

They are vendored viewers, not pages in the portal's look, so pages.py leaves them out of the axe and Nu HTML
Checker gates; here they are held to the portal's rules on scripts and hosts.
"""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
OPERATIONS = 18  # the public and token endpoints, and the EWP ones


def script_policy(response):
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    return policy["script-src"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_run_only_the_portals_own_script_files(client, path):
    response = client.get(path)
    html = response.content.decode()

    assert response.status_code == 200
    assert script_policy(response) == "'self'"
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # no inline script
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html) == []  # nothing from another host


def test_only_redoc_may_style_inline(client):
    swagger = client.get("/api/docs/")["Content-Security-Policy"]
    redoc = client.get("/api/redoc/")["Content-Security-Policy"]

    assert "unsafe-inline" not in swagger
    assert "style-src 'self' 'unsafe-inline'" in redoc
    assert "worker-src blob:" in redoc


def watch(page, live_server):
    """Console errors, and the hosts of every answer the page received."""
    seen = {"errors": [], "hosts": set()}
    page.on("console", lambda message: message.type == "error" and seen["errors"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    # blob: and data: addresses are made by the page itself; every other answer must come from the portal.
    page.on(
        "response",
        lambda response: response.url.startswith("http") and seen["hosts"].add(urlsplit(response.url).netloc),
    )
    return seen


def test_swagger_ui_shows_every_operation_under_the_portals_policy(page, live_server):
    seen = watch(page, live_server)

    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)

    assert page.locator(".opblock").count() == OPERATIONS
    assert seen["errors"] == []
    assert seen["hosts"] == {urlsplit(live_server.url).netloc}


def test_try_it_out_calls_the_api_from_swagger_ui(page, live_server):
    page.goto("/api/docs/")
    operation = page.locator("#operations-Partners-partners_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"


def test_redoc_shows_every_operation_and_loads_nothing_from_elsewhere(page, live_server):
    seen = watch(page, live_server)

    page.goto("/api/redoc/")
    page.wait_for_selector("[data-section-id^='tag/']", timeout=20_000)

    assert page.locator("[data-section-id^='operation/']").count() == OPERATIONS
    assert seen["hosts"] == {urlsplit(live_server.url).netloc}
    # Redoc's footer tries to show its maker's logo from their site; the policy refuses it and Redoc hides it.
    assert [error for error in seen["errors"] if "cdn.redoc.ly" not in error] == []
