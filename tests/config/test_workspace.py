"""The admin index: the models grouped by the office's work, each group with what needs attention."""

import datetime
import re

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.models import Agreement
from tests.factories import ActiveAgreementFactory, AgreementFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(is_superuser=True))
    return client


def headings(html):
    return re.findall(r'<caption>\s*<a href="[^"]*" class="section"[^>]*>([^<]+)</a>', html)


def test_the_index_groups_the_models_by_the_offices_work_with_accounts_once(staff_client):
    html = staff_client.get("/en/admin/").content.decode()

    groups = headings(html.split('id="content-related"')[0])
    assert groups == [
        "Partners and agreements",
        "Visits and news",
        "Mobility",
        "Notifications",
        "People",
        "Settings and connections",
    ]
    people = html[html.index(">People<") : html.index(">Settings and connections<")]
    assert "Users" in people and "Email addresses" in people
    assert "Accounts" not in html
    partners = html[html.index(">Partners and agreements<") : html.index(">Visits and news<")]
    assert "Agreements to review before renewal" in partners and "Renewal reviews" in partners


def test_the_sidebar_of_every_admin_page_has_the_same_groups(staff_client):
    html = staff_client.get("/en/admin/partnerships/partner/").content.decode()

    sidebar = html[html.index('id="nav-sidebar"') :]
    assert headings(sidebar)[:2] == ["Partners and agreements", "Visits and news"]
    assert 'id="partners-agreement"' in sidebar
    assert not re.findall(r'\sid="[^"]*\s[^"]*"', html)  # an id holds no space


def test_each_group_counts_what_needs_attention_and_links_to_the_filtered_list(staff_client):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    ActiveAgreementFactory.create_batch(2, valid_until=soon)
    ActiveAgreementFactory(valid_until=soon + datetime.timedelta(days=365))
    AgreementFactory(status=Agreement.Status.AWAITING_SIGNATURE)

    html = staff_client.get("/en/admin/").content.decode()

    assert '<a href="/en/admin/partnerships/agreement/?expiry=90">2 agreements expire within 90 days</a>' in html
    assert "1 agreement awaits signature" in html
    listed = staff_client.get("/en/admin/partnerships/agreement/?expiry=90").content.decode()
    assert listed.count('class="action-select"') == 2


def test_the_index_speaks_the_readers_language_in_its_counts(staff_client):
    ActiveAgreementFactory(valid_until=timezone.localdate() + datetime.timedelta(days=10))

    html = staff_client.get("/ru/admin/").content.decode()

    assert "Партнёры и соглашения" in html
    assert "1 соглашение истекает в ближайшие 90 дней" in html


def test_the_index_costs_the_same_queries_for_few_or_many_records(staff_client, django_assert_max_num_queries):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    ActiveAgreementFactory(valid_until=soon)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get("/en/admin/").status_code == 200

    ActiveAgreementFactory.create_batch(9, valid_until=soon)

    with django_assert_max_num_queries(len(few)):
        assert staff_client.get("/en/admin/").status_code == 200


def test_the_index_keeps_a_block_for_the_dashboard_above_the_groups():
    source = get_template("admin/index.html").template.source

    assert source.index("{% block dashboard %}") < source.index("{% workspace_index")
