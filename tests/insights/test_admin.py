import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.utils import timezone

from insights.health import health_url
from insights.models import RenewalReview
from partnerships.models import Partner
from tests.factories import ActiveAgreementFactory, PartnerFactory, UserFactory
from tests.reminders import unused_agreement

pytestmark = pytest.mark.django_db

LIST = "/en/admin/insights/agreementhealth/"


def ending_soon(**kwargs):
    return ActiveAgreementFactory(valid_until=timezone.localdate() + datetime.timedelta(days=60), **kwargs)


@pytest.fixture
def faculty(client):
    user = UserFactory(role="faculty")
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


def test_the_health_page_shows_what_the_agreement_promised_and_did(office_client):
    agreement = ending_soon(title="Agreement with Xinjiang", title_en="Agreement with Xinjiang")

    page = office_client.get(health_url(agreement)).content.decode()

    assert "Agreement with Xinjiang" in page
    assert "Unused" in page
    assert 'value="open_review"' in page


def test_the_review_list_shows_unused_agreements_ending_soon_and_not_used_or_later_ones(office_client, settings):
    settings.RENEWAL_REVIEW_HORIZON_DAYS = 90
    soon = ending_soon(title="Soon and unused")
    later = ActiveAgreementFactory(title="Later", valid_until=timezone.localdate() + datetime.timedelta(days=200))

    answer = office_client.get(LIST)

    assert [row.pk for row in answer.context["cl"].result_list] == [soon.pk]
    assert later.title not in answer.content.decode()
    settings.RENEWAL_REVIEW_HORIZON_DAYS = 365
    assert office_client.get(LIST).context["cl"].result_count == 2


def test_one_click_opens_a_renewal_review_owned_by_the_coordinator_once(office_client):
    coordinator = UserFactory(role="faculty")
    agreement = ending_soon(coordinator=coordinator)

    answer = office_client.post(health_url(agreement), {"action": "open_review", "next": LIST})
    again = office_client.post(health_url(agreement), {"action": "open_review"}, follow=True)

    assert answer["Location"] == LIST
    review = RenewalReview.objects.get()
    assert (review.agreement, review.owner, review.opened_by, review.status) == (
        agreement,
        coordinator,
        office_client.user,
        RenewalReview.Status.OPEN,
    )
    assert review.due_on == agreement.valid_until - datetime.timedelta(days=30)
    assert "already has an open renewal review" in again.content.decode()


def test_one_click_marks_the_partners_dormant_with_history(office_client):
    partner = PartnerFactory()
    agreement = ending_soon(partners=[partner])

    office_client.post(health_url(agreement), {"action": "mark_dormant", "next": "https://elsewhere.example/"})

    again = office_client.post(health_url(agreement), {"action": "mark_dormant"}, follow=True)

    partner.refresh_from_db()
    assert partner.status == Partner.Status.DORMANT
    assert partner.history.first().history_user == office_client.user
    assert "already dormant; nothing changed" in again.content.decode()


def test_the_list_actions_open_reviews_and_mark_partners_dormant_in_bulk(office_client):
    first, second = ending_soon(), ending_soon()
    ids = [first.pk, second.pk]

    opened = office_client.post(LIST, {"action": "open_reviews", "_selected_action": ids}, follow=True)
    marked = office_client.post(LIST, {"action": "mark_dormant", "_selected_action": ids}, follow=True)
    reopened = office_client.post(LIST, {"action": "open_reviews", "_selected_action": ids}, follow=True)
    remarked = office_client.post(LIST, {"action": "mark_dormant", "_selected_action": ids}, follow=True)

    assert RenewalReview.objects.count() == 2
    assert Partner.objects.filter(status=Partner.Status.DORMANT).count() == 2
    assert "2 renewal reviews were opened" in opened.content.decode()
    assert "2 partners were marked dormant" in marked.content.decode()
    assert "already have open renewal reviews" in reopened.content.decode()
    assert "already dormant; nothing changed" in remarked.content.decode()


def test_an_unknown_action_is_refused_with_its_reason(office_client):
    answer = office_client.post(health_url(ending_soon()), {"action": "nothing"}, follow=True)
    assert "Choose an action" in answer.content.decode()


def test_a_faculty_member_reads_the_health_of_what_they_coordinate_only_and_decides_nothing(client, faculty):
    own = ending_soon(coordinator=faculty)
    other = ending_soon()

    page = client.get(health_url(own))
    assert page.status_code == 200
    assert 'value="open_review"' not in page.content.decode()
    assert client.get(health_url(other)).status_code == 403
    assert client.post(health_url(own), {"action": "open_review"}).status_code == 403
    assert client.get(LIST).status_code == 403
    assert not RenewalReview.objects.exists()


def test_students_and_anonymous_readers_are_sent_to_sign_in(client):
    agreement = ending_soon()
    assert client.get(health_url(agreement)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(health_url(agreement)).status_code == 302


def test_the_unused_agreement_reminder_links_to_the_health_page(sweep, office, coordinator):
    agreement = unused_agreement(coordinator=coordinator)

    sweep()

    # One to the coordinator and one to the office; the expiry reminders still open the agreement itself.
    page = f"/admin/insights/agreementhealth/{agreement.pk}/health/"
    assert len([message for message in mail.outbox if page in message.body]) == 2
    assert len(mail.outbox) == 4


def test_the_review_list_names_each_agreements_use_in_a_fixed_number_of_queries(office_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 4):
        for _ in range(size):
            ending_soon()
        with CaptureQueriesContext(connection) as queries:
            page = office_client.get(LIST).content.decode()
        counts.append(len(queries))
        assert page.count('class="health-unused">Unused<') == (1 if size == 1 else 5)
    assert counts[0] == counts[1]


def test_the_agreements_own_page_links_to_its_health(office_client):
    agreement = ending_soon()
    page = office_client.get(f"/en/admin/partnerships/agreement/{agreement.pk}/change/").content.decode()
    assert f'href="{health_url(agreement)}"' in page
