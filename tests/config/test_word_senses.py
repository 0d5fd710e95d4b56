"""One English word, one sense per msgid: the reader sees the word that fits where it stands."""

import datetime

import pytest
from django.utils import translation

from mobility.models import Mobility
from partnerships.models import Agreement, Partner, Unit
from tests.factories import ArticleFactory, PartnerFactory, StaffFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def test_a_college_of_xinjiang_university_is_a_xueyuan_on_its_partner_page(client):
    xju = PartnerFactory(name_zh_hans="新疆大学", is_public=True, kind=Partner.Kind.UNIVERSITY)
    Unit.objects.create(
        partner=xju, kind=Unit.Kind.COLLEGE, name_en="School of Foreign Languages", name_zh_hans="外国语学院"
    )

    html = client.get(f"/zh-hans/partners/{xju.slug}/").content.decode()

    assert '外国语学院</span> <span class="meta">(学院)</span>' in html
    assert "专科院校" not in html


@pytest.mark.parametrize(
    ("language", "unit_college", "institution_college"),
    [
        ("zh-hans", "学院", "专科院校"),
        ("ru", "Институт (факультет)", "Колледж"),
        ("kk", "Институт (факультет)", "Колледж"),
    ],
)
def test_college_as_a_unit_and_college_as_an_institution_are_different_words(
    language, unit_college, institution_college
):
    with translation.override(language):
        assert str(Unit.Kind.COLLEGE.label) == unit_college
        assert str(Partner.Kind.COLLEGE.label) == institution_college


@pytest.mark.parametrize(
    ("language", "visit", "mobility"),
    [
        ("kk", ("Шығу сапары", "Келу сапары"), ("Жіберілгендер", "Қабылданғандар")),
        ("ru", ("Выезд", "Приезд"), ("Исходящая", "Входящая")),
        ("zh-hans", ("出访", "来访"), ("派出", "接收")),
    ],
)
def test_a_visit_and_a_mobility_have_their_own_words_for_direction(language, visit, mobility):
    with translation.override(language):
        assert (str(Visit.Direction.OUTGOING.label), str(Visit.Direction.INCOMING.label)) == visit
        assert (str(Mobility.Direction.OUTGOING.label), str(Mobility.Direction.INCOMING.label)) == mobility


def test_a_kazakh_draft_is_a_draft_not_a_project():
    with translation.override("kk"):
        assert str(Agreement.Status.DRAFT.label) == "Қаралама"
        assert "Жоба" not in str(Agreement.Status.DRAFT.label)


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("zh-hans", "本文暂无中文版，以下为英文版。"),
        ("ru", "Эта статья пока не переведена на русский язык; ниже — версия на английском."),
        ("kk", "Бұл мақала әлі қазақ тілінде жоқ, төменде ағылшын тіліндегі нұсқасы берілген."),
    ],
)
def test_an_article_shown_in_another_language_says_so_in_a_natural_sentence(client, language, notice):
    article = ArticleFactory(visit=VisitFactory(starts_on=datetime.date(2025, 10, 29)))

    html = client.get(f"/{language}/visits/{article.slug}/").content.decode()

    assert notice in html
    assert "English" not in html.split("<main", 1)[1]


def test_the_admin_says_yes_and_no_in_the_readers_language(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(is_superuser=True))
    PartnerFactory(is_public=True)

    html = client.get("/zh-hans/admin/partnerships/partner/").content.decode()

    assert 'alt="是"' in html
    assert 'alt="True"' not in html
    assert 'alt="False"' not in html
