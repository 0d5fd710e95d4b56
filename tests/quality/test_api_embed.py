"""The README's example: a university website lists the partner directory from the API in its visitors' browsers."""

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)
README = Path(__file__).resolve().parents[2] / "README.md"


def embedding_page(portal_url):
    """The HTML example of the README, pointed at this test's portal."""
    snippet = re.search(r"```html\n(.*?)```", README.read_text(), re.S).group(1)
    body = snippet.replace("https://cooperation.example.edu.kz", portal_url)
    head = '<meta charset="utf-8"><title>Partners</title>'
    return f'<!DOCTYPE html><html lang="kk"><head>{head}</head><body>{body}</body></html>'


@pytest.fixture
def website(live_server, tmp_path):
    """The university's website: another origin on this machine serving the README's page.

    A real server on the loopback address, since Chromium lets only such a page reach the portal there.
    """
    (tmp_path / "partners.html").write_text(embedding_page(live_server.url))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_listed_website_shows_the_partners_from_the_api(page, settings, website, live_server):
    settings.CORS_ALLOWED_ORIGINS = [website]
    PartnerFactory(slug="xju", name_en="Xinjiang University", name_ru="Синьцзянский университет", country="CN")

    page.goto(f"{website}/partners.html")
    link = page.locator("#partners li a")
    link.first.wait_for()

    assert link.inner_text() == "Синьцзянский университет (Қытай)"
    assert link.get_attribute("lang") == "ru"
    assert link.get_attribute("href") == f"{live_server.url}/kk/partners/xju/"


def test_a_website_that_is_not_listed_gets_nothing(page, settings, website):
    settings.CORS_ALLOWED_ORIGINS = ["https://another.example.edu"]
    PartnerFactory(slug="xju")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(f"{website}/partners.html")
    page.wait_for_timeout(1000)

    assert page.locator("#partners li").count() == 0
    assert any("CORS" in error for error in errors)
