import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import ArticleFactory, VisitFactory
from visits.models import AgendaItem, DelegationMember, Outcome, Report, Visit, sanitise_html

pytestmark = pytest.mark.django_db


def test_exact_dates_need_an_end_and_must_be_in_order():
    visit = VisitFactory.build(precision=Visit.Precision.DAY, ends_on=None)
    with pytest.raises(ValidationError):
        visit.full_clean(exclude=["partners"])
    saved = VisitFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=saved.pk).update(ends_on=datetime.date(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=saved.pk).update(ends_on=None)


@pytest.mark.parametrize(
    ("precision", "language", "expected"),
    [
        ("year", "en", "2026"),
        ("month", "en", "October 2026"),
        ("month", "zh-hans", "2026年10月"),
        ("month", "ru", "Октябрь 2026 г."),
        ("month", "kk", "2026 ж. Қазан"),
        ("year", "kk", "2026"),
        ("year", "zh-hans", "2026"),
        ("day", "ru", "1–3 октября 2026 г."),
    ],
)
def test_a_visit_shows_only_as_much_of_its_dates_as_is_known(precision, language, expected):
    visit = Visit(precision=precision, starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 3))

    with translation.override(language):
        assert visit.period == expected


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script><p>Report</p>",
        '<p onclick="alert(1)">Report</p><img src=x onerror=alert(1)>',
        '<a href="javascript:alert(1)">Report</a><style>body{}</style>',
    ],
)
def test_report_and_article_html_never_keeps_a_script(html):
    report = Report.objects.create(visit=VisitFactory(), body=html, body_en=html)
    article = ArticleFactory(body_en=html, body=html)

    for saved in (report.body_en, article.body_en, sanitise_html(html)):
        assert "<script" not in saved and "onclick" not in saved and "onerror" not in saved
        assert "javascript:" not in saved and "<style" not in saved
        assert "Report" in saved


def test_programme_items_end_after_they_start_and_members_are_someone():
    visit = VisitFactory()
    start = datetime.datetime(2025, 10, 31, 10, tzinfo=datetime.UTC)

    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            visit=visit, title="Seminar", starts_at=start, ends_at=start - datetime.timedelta(hours=1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationMember.objects.create(visit=visit, name="")


def test_an_article_knows_the_languages_it_is_written_in():
    article = ArticleFactory(title_ru="Визит", body_ru="<p>Текст</p>", title_kk="Сапар", body_kk="")

    assert article.languages_available() == ["ru", "en"]


def test_saving_in_one_language_never_copies_fallback_text_into_it():
    article = ArticleFactory(title_ru="Визит", body_ru="<p>Текст</p>", body_kk="")

    with translation.override("kk"):
        article.save()

    article.refresh_from_db()
    assert not article.body_kk
    assert article.languages_available() == ["ru", "en"]


def test_an_outcome_that_promises_a_visit_states_its_year_and_only_such_an_outcome_a_month():
    visit = VisitFactory()
    without_year = Outcome(visit=visit, description="They will come", kind=Outcome.Kind.INCOMING_VISIT)
    month_of_an_action = Outcome(visit=visit, description="Sign the MoU", visit_year=2027, visit_month=3)

    with pytest.raises(ValidationError, match="year"):
        without_year.full_clean()
    with pytest.raises(ValidationError, match="month"):
        month_of_an_action.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        without_year.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        month_of_an_action.save()


@pytest.mark.parametrize("status", ["proposed", "confirmed", "in_progress", "cancelled"])
def test_an_article_about_a_visit_that_did_not_take_place_cannot_be_ticked_published(status):
    article = ArticleFactory.build(visit=VisitFactory(status=status), is_published=True)

    with pytest.raises(ValidationError, match="took place"):
        article.full_clean()
    article.is_published = False
    article.full_clean()


def test_a_visit_takes_place_in_the_portals_time_zone_unless_told_otherwise(settings):
    settings.TIME_ZONE = "Asia/Urumqi"

    assert Visit(title="Visit").time_zone == "Asia/Urumqi"
    with pytest.raises(ValidationError, match="time_zone"):
        VisitFactory.build(time_zone="Mars/Olympus").full_clean(exclude=["partners"])


def test_a_report_is_overdue_only_while_it_is_missing():
    today = datetime.date(2025, 12, 31)
    late = VisitFactory(status=Visit.Status.COMPLETED)
    stuck = VisitFactory(status=Visit.Status.IN_PROGRESS)
    reported = VisitFactory(status=Visit.Status.COMPLETED)
    Report.objects.create(visit=reported, body="<p>Done</p>")

    assert set(Visit.objects.report_overdue(today)) == {late, stuck}
