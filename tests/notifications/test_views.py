"""The notification list, the bell and the read marks: few queries, whatever the number of notices."""

import pytest

from config.personalcache import person_changed
from notifications.models import Notification
from notifications.services import notify
from tests.factories import ActiveAgreementFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db


def give(user, count):
    """`count` unread notices about agreements and visits."""
    for n in range(count):
        target = ActiveAgreementFactory() if n % 2 else VisitFactory()
        rule = "agreement_expiry" if n % 2 else "visit_preparation"
        notify(rule=rule, obj=target, recipients=[user], stage="7")


@pytest.mark.parametrize("count", [2, 20])
def test_the_notification_list_costs_the_same_queries_for_two_or_twenty_notices(
    client, django_assert_num_queries, count
):
    user = UserFactory(role="faculty")
    give(user, count)  # about agreements and visits, so that both kinds are fetched
    client.force_login(user)
    client.get("/kk/notifications/")  # the process's first request fills the content-type cache
    person_changed(user.pk)  # rendered afresh, not served from the cache (config.personalcache)

    # user, page count, the page, agreements, visits, the bell's count (the session and the footer's university
    # come from the cache)
    with django_assert_num_queries(6):
        response = client.get("/kk/notifications/")

    assert response.status_code == 200
    assert response.content.decode().count('class="notification notification-unread"') == count


@pytest.mark.parametrize("count", [1, 10])
def test_the_bell_costs_one_count_query_whatever_the_number_of_notices(client, django_assert_num_queries, count):
    user = UserFactory()
    give(user, count)
    client.force_login(user)

    with django_assert_num_queries(3):  # user, the footer's university, the unread count (the session: cached)
        html = client.get("/en/").content.decode()

    assert f'<span class="bell-count" aria-hidden="true">{count}</span>' in html
    assert "Notifications" in html


def test_anonymous_visitors_have_no_bell_and_pay_no_query_for_it(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = client.get("/en/").content.decode()

    assert 'class="bell"' not in html


def test_a_person_marks_one_or_all_notices_read_and_only_their_own(client):
    user, other = UserFactory(), UserFactory()
    give(user, 3)
    give(other, 1)
    client.force_login(user)
    first = Notification.objects.filter(recipient=user).first()
    theirs = Notification.objects.get(recipient=other)

    assert client.get(f"/en/notifications/{first.pk}/read/").status_code == 405
    client.post(f"/en/notifications/{first.pk}/read/")
    client.post(f"/en/notifications/{theirs.pk}/read/")
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 2
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    response = client.post("/en/notifications/read/")

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert '<span class="bell-count"' not in client.get("/en/notifications/").content.decode()


def test_the_list_speaks_the_page_s_language_and_links_office_staff_to_the_admin(client):
    office = UserFactory(role="staff")
    agreement = ActiveAgreementFactory(title_zh_hans="与新疆大学的备忘录")
    notify(rule="agreement_expiry", obj=agreement, recipients=[office], stage="30")
    client.force_login(office)

    html = client.get("/zh-hans/notifications/").content.decode()

    assert "与新疆大学的备忘录" in html
    assert f'href="/zh-hans/admin/partnerships/agreement/{agreement.pk}/change/"' in html


def test_a_notice_whose_object_was_deleted_still_shows(client):
    user = UserFactory()
    visit = VisitFactory()
    notify(rule="visit_preparation", obj=visit, recipients=[user], stage="3")
    visit.delete()
    client.force_login(user)

    assert "has been deleted" in client.get("/en/notifications/").content.decode()


def test_the_settings_page_needs_sign_in(client):
    assert client.get("/en/notifications/settings/").status_code == 302
    assert client.get("/en/notifications/").status_code == 302
