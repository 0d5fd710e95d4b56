"""Completeness and staleness of translated records, and the languages a published article or call needs."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from config.models import TranslationState
from config.translations import (
    check_required_languages,
    codes_in,
    confirm_translations,
    digest,
    filter_by_translation,
    required_languages,
    stale_fields,
    state_of,
    summary,
    texts_of,
    with_translation_state,
)
from partnerships.models import Partner
from tests.factories import ArticleFactory, CallFactory, PartnerFactory, VisitFactory
from visits.services import publish_article

pytestmark = pytest.mark.django_db


def partner(**names):
    return PartnerFactory(**{f"name_{code}": text for code, text in names.items()})


def test_state_complete_languages_and_source_of_a_new_record():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет")
    state = state_of(record)
    assert state.source_language == "en"
    assert state.missing == ["kk", "zh-hans"]
    assert state.stale == []
    assert set(state.edited_at) == {"ru", "en"}
    assert summary(state.missing, state.stale) == "2/4"


def test_state_source_is_the_language_of_the_writer_when_written_in_it():
    with translation.override("ru"):
        record = partner(en="Xinjiang University", ru="Синьцзянский университет")
    assert state_of(record).source_language == "ru"


def test_state_source_change_marks_other_languages_stale():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет", zh_hans="新疆大学")
    record.name_en = "Xinjiang University (Urumqi)"
    record.save()
    state = state_of(record)
    assert state.stale == ["ru", "zh-hans"]
    assert summary(state.missing, state.stale) == "3/4 · 2 stale"


def test_state_updating_a_translation_clears_its_staleness_only():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет", zh_hans="新疆大学")
    record.name_en = "Xinjiang University (Urumqi)"
    record.save()
    record.name_zh_hans = "新疆大学（乌鲁木齐）"
    record.save()
    assert state_of(record).stale == ["ru"]


def test_state_source_and_translation_changed_together_leave_that_translation_current():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет", kk="Шыңжаң университеті")
    record.name_en, record.name_ru = "Xinjiang University (Urumqi)", "Синьцзянский университет (Урумчи)"
    record.save()
    assert state_of(record).stale == ["kk"]


def test_state_translation_change_does_not_mark_the_source_stale():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет")
    record.name_ru = "Синьцзянский университет (Урумчи)"
    record.save()
    assert state_of(record).stale == []


def test_state_save_of_other_fields_keeps_staleness():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет")
    record.name_en = "Xinjiang University (Urumqi)"
    record.save()
    record.is_public = False
    record.save(update_fields=["is_public"])
    record.refresh_from_db()
    record.save()
    assert state_of(record).stale == ["ru"]


def test_state_missing_counts_only_fields_the_source_has():
    record = partner(en="Xinjiang University", kk="Шыңжаң университеті", ru="Синьцзянский университет")
    record.description_en = "A comprehensive university."
    record.save()
    assert state_of(record).missing == ["kk", "ru", "zh-hans"]


def test_confirm_translations_clears_staleness_without_editing():
    record = partner(en="Xinjiang University", ru="Синьцзянский университет", zh_hans="新疆大学")
    record.name_en = "Xinjiang University (Urumqi)"
    record.save()
    assert confirm_translations(record, languages=["ru"]) == ["ru"]
    assert state_of(record).stale == ["zh-hans"]
    assert Partner.objects.get(pk=record.pk).name_ru == "Синьцзянский университет"


def test_state_goes_with_its_record():
    record = partner(en="Xinjiang University")
    record.delete()
    assert state_of(record) is None


def test_command_writes_the_states_of_records_saved_before(capsys):
    record = partner(en="Xinjiang University")
    TranslationState.objects.all().delete()
    call_command("record_translations")
    assert state_of(record).missing == ["kk", "ru", "zh-hans"]


def test_list_reads_states_in_one_query(django_assert_num_queries):
    for n in range(3):
        partner(en=f"University {n}", ru=f"Университет {n}")
    with django_assert_num_queries(1):
        rows = list(with_translation_state(Partner.objects.all()))
    assert [row.translation_missing for row in rows] == [["kk", "zh-hans"]] * 3


def test_filter_by_missing_and_stale_language():
    complete = partner(en="A", ru="А", kk="А", zh_hans="甲")
    lacking = partner(en="B", ru="Б")
    complete.name_en = "A (changed)"
    complete.save()
    assert list(filter_by_translation(Partner.objects.all(), kind="missing", language="zh-hans")) == [lacking]
    assert list(filter_by_translation(Partner.objects.all(), kind="stale", language="kk")) == [complete]


# ---------------------------------------------------------------- publishing


def test_codes_in_free_text():
    assert codes_in("en, zh") == ["en", "zh-hans"]
    assert codes_in("ru/kk") == ["ru", "kk"]
    assert codes_in("") == []


def test_call_to_a_chinese_partner_needs_chinese():
    call = CallFactory(partners=[PartnerFactory(language="zh-hans")], is_published=False)
    assert required_languages(call) == ["zh-hans"]
    call.is_published = True
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        call.full_clean()
    assert refused.value.message_dict["is_published"] == [
        "It cannot be published without a translation into this language: Chinese."
    ]


def test_call_refusal_is_translated_and_names_every_missing_language():
    call = CallFactory(partners=[PartnerFactory(language="zh-hans"), PartnerFactory(language="kk")], is_published=False)
    call.is_published = True
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        check_required_languages(call)
    message = refused.value.message_dict["is_published"][0]
    assert "китайский" in message
    assert "казахский" in message


def test_call_with_required_languages_written_may_be_published():
    call = CallFactory(partners=[PartnerFactory(language="zh-hans")], title_zh_hans="学期交换项目")
    check_required_languages(call)


def test_setting_chooses_the_required_languages(settings):
    settings.PUBLISH_REQUIRED_LANGUAGES = {"mobility.exchangecall": ("kk",)}
    call = CallFactory(partners=[PartnerFactory(language="zh-hans")])
    assert required_languages(call) == ["kk"]


def test_article_about_a_chinese_partner_is_not_published_without_chinese():
    visit = VisitFactory(status="completed", partners=[PartnerFactory(language="zh-hans")])
    article = ArticleFactory(visit=visit, is_published=False)
    with pytest.raises(ValidationError) as refused:
        publish_article(article)
    assert "Chinese" in refused.value.messages[0]
    article.title_zh_hans, article.body_zh_hans = "新闻", "<p>内容</p>"
    article.save()
    assert publish_article(article).is_published


def test_a_call_published_before_stays_open_to_other_changes():
    """Only the step to published asks for the languages: closing a published call early is not refused."""
    call = CallFactory(partners=[PartnerFactory(language="zh-hans")], is_published=True)
    call.title_en = "Semester exchange (closed early)"
    check_required_languages(call)
    call.full_clean()


# ---------------------------------------------------------------- staleness per field


def visit_in_four_languages():
    texts = {
        "title": ("Visit to Xinjiang", "Шыңжаңға сапар", "Визит в Синьцзян", "访问新疆"),
        "city": ("Urumqi", "Үрімжі", "Урумчи", "乌鲁木齐"),
        "purpose": ("To agree the next steps.", "Келесі қадамдар.", "Следующие шаги.", "商定下一步。"),
    }
    values = {}
    for name, (en, kk, ru, zh) in texts.items():
        values.update({f"{name}_en": en, f"{name}_kk": kk, f"{name}_ru": ru, f"{name}_zh_hans": zh})
    return VisitFactory(title=values["title_en"], **values)


def test_state_source_change_makes_only_that_field_stale():
    visit = visit_in_four_languages()
    visit.purpose_en = "To agree the next steps and sign the plan."
    visit.save()
    state = state_of(visit)
    assert state.stale == ["kk", "ru", "zh-hans"]
    assert stale_fields(state, ("title", "city", "purpose")) == {code: ["purpose"] for code in ("kk", "ru", "zh-hans")}


def test_state_source_put_back_makes_the_translations_current_again():
    visit = visit_in_four_languages()
    visit.purpose_en = "To agree the next steps and sign the plan."
    visit.save()
    visit.purpose_en = "To agree the next steps."
    visit.save()
    state = state_of(visit)
    assert state.stale == []
    assert summary(state.missing, state.stale) == "4/4"


def test_state_translating_one_field_leaves_the_other_stale_field_stale():
    visit = visit_in_four_languages()
    visit.title_en, visit.purpose_en = "Visit to Urumqi", "To sign the plan."
    visit.save()
    visit.title_kk = "Үрімжіге сапар"
    visit.save()
    assert stale_fields(state_of(visit), ("title", "city", "purpose"))["kk"] == ["purpose"]
    visit.purpose_kk = "Жоспарға қол қою."
    visit.save()
    assert state_of(visit).stale == ["ru", "zh-hans"]


def test_confirmed_translation_follows_the_source_it_was_confirmed_against():
    visit = visit_in_four_languages()
    visit.purpose_en = "To agree the next steps, and more."
    visit.save()
    confirm_translations(visit, languages=["ru"])
    visit.purpose_en = "To agree the next steps."
    visit.save()
    assert state_of(visit).stale == ["ru"]  # Russian was confirmed against the longer text


def test_legacy_state_keeps_its_staleness_and_gets_hashes_per_field():
    """A state recorded with one hash per language (before the hashes per field) keeps its stale languages."""
    visit = visit_in_four_languages()
    codes = ("kk", "ru", "en", "zh-hans")
    TranslationState.objects.filter(pk=state_of(visit).pk).update(
        digests={code: digest(texts_of(visit, code)) for code in codes}, stale=["ru"]
    )
    visit.save()
    assert state_of(visit).stale == ["ru"]
    visit.city_en = "Ürümqi"
    visit.save()
    state = state_of(visit)
    assert state.stale == ["kk", "ru", "zh-hans"]
    assert stale_fields(state, ("title", "city", "purpose"))["kk"] == ["city"]
    assert stale_fields(state, ("title", "city", "purpose"))["ru"] == ["title", "city", "purpose"]
