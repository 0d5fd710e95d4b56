"""axe-core in a real browser on every public and student page, in all four languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.helpers import sign_in_as
from tests.quality.pages import PUBLIC_PAGES, localised, populate, signed_in_pages

pytestmark = pytest.mark.django_db(transaction=True)


def serious_violations(page, path):
    page.goto(path)
    results = Axe().run(page)
    return [
        f"{path}: {violation['id']} ({violation['impact']}) {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_public_pages_have_no_serious_accessibility_violation(page):
    populate()

    violations = [found for path in localised(PUBLIC_PAGES) for found in serious_violations(page, path)]

    assert violations == []


def test_signed_in_pages_have_no_serious_accessibility_violation(page, client, live_server):
    populate()
    violations = []
    for person, pages in signed_in_pages():
        sign_in_as(page, client, person, live_server)
        violations += [found for path in localised(pages) for found in serious_violations(page, path)]

    assert violations == []
