"""The translation workflow in the admin: the status column and filters, the form's notes, the translator role, the
queue and its counts."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.text import capfirst

from accounts.services import appoint_translator
from config.text import collation_key
from config.translations import state_of, translation_counts, translation_queue
from partnerships.models import Partner
from tests.factories import (
    AgreementFactory,
    ArticleFactory,
    CallFactory,
    JointProgramFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
    VisitFactory,
)
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def translator(client):
    """A person who translates into Kazakh and Chinese, with no other role in the office."""
    user = appoint_translator(UserFactory(email="translator@kopir.example"), languages=["kk", "zh-hans"])
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


def xinjiang(**extra):
    return PartnerFactory(
        name_en="Xinjiang University", name_ru="Синьцзянский университет", name_kk="Шыңжаң университеті", **extra
    )


def edit_source(partner, text="Xinjiang University (Urumqi)"):
    partner.name_en = text
    partner.save()


def test_changelist_shows_complete_and_stale_languages(office):
    partner = xinjiang()
    edit_source(partner)
    page = office.get("/en/admin/partnerships/partner/")
    assert "3/4 · 2 stale" in page.content.decode()


def test_changelist_filters_missing_and_stale(office):
    stale = xinjiang()
    edit_source(stale)
    complete = PartnerFactory(name_en="A", name_ru="А", name_kk="А", name_zh_hans="甲")
    page = office.get("/en/admin/partnerships/partner/", {"translation": "missing:zh-hans"})
    assert list(page.context["cl"].result_list) == [stale]
    page = office.get("/en/admin/partnerships/partner/", {"translation": "stale:kk"})
    assert list(page.context["cl"].result_list) == [stale]
    assert complete not in page.context["cl"].result_list
    assert "missing in Chinese" in office.get("/en/admin/partnerships/partner/").content.decode()


@pytest.mark.parametrize(
    "url", ["/en/admin/partnerships/unit/", "/en/admin/mobility/exchangecall/", "/en/admin/visits/newsarticle/"]
)
def test_every_translated_list_has_the_column(office, url):
    CallFactory()
    ArticleFactory()
    page = office.get(url)
    assert page.status_code == 200
    assert "translation_status" in page.context["cl"].list_display


def test_change_form_shows_source_beside_the_translation_and_its_status(office):
    partner = xinjiang()
    edit_source(partner)
    html = office.get(f"/en/admin/partnerships/partner/{partner.pk}/change/").content.decode()
    assert 'data-translation="stale"' in html
    assert 'data-translation="missing"' in html
    assert 'Source (English): <q lang="en" class="translation-source">Xinjiang University (Urumqi)</q>' in html
    assert "js/translation-tabs.js" in html


def test_confirming_a_stale_translation_clears_it_without_editing(office):
    partner = xinjiang()
    edit_source(partner)
    form = office.get(f"/en/admin/partnerships/partner/{partner.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    assert "confirm_translations" in form.fields
    response = office.post(
        f"/en/admin/partnerships/partner/{partner.pk}/change/",
        {**post_data(office, partner), "confirm_translations": ["ru"]},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else data
    assert state_of(partner).stale == ["kk"]
    assert Partner.objects.get(pk=partner.pk).name_ru == "Синьцзянский университет"


def post_data(client, obj):
    """Everything the change form of this partner shows, as it would post it unchanged."""
    page = client.get(f"/en/admin/partnerships/partner/{obj.pk}/change/")
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or name == "confirm_translations" or isinstance(field, forms.FileField):
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return {k: v for k, v in data.items() if v is not False}


# ---------------------------------------------------------------- the translator role


def test_translator_edits_only_the_translatable_fields_in_their_languages(client, translator):
    partner = xinjiang(is_public=True)
    page = client.get(f"/en/admin/partnerships/partner/{partner.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    editable = {name for name in form.fields if name != "confirm_translations"}
    assert editable == {
        f"{field}_{code}" for field in ("name", "short_name", "description", "city") for code in ("kk", "zh_hans")
    }
    assert "name_en" in page.context["adminform"].readonly_fields
    assert page.context["inline_admin_formsets"] == []

    response = client.post(
        f"/en/admin/partnerships/partner/{partner.pk}/change/",
        {"name_zh_hans": "新疆大学", "name_kk": "Шыңжаң университеті", "name_en": "Changed", "status": "ended"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name_zh_hans == "新疆大学"
    assert partner.name_en == "Xinjiang University"
    assert partner.status == Partner.Status.ACTIVE


def test_translator_confirms_only_their_languages(client, translator):
    partner = xinjiang()
    edit_source(partner)
    page = client.get(f"/en/admin/partnerships/partner/{partner.pk}/change/")
    assert [code for code, _name in page.context["adminform"].form.fields["confirm_translations"].choices] == ["kk"]
    partner.name_kk = "Шыңжаң университеті (Үрімжі)"
    partner.save()  # Russian alone is stale now: not this translator's to confirm
    page = client.get(f"/en/admin/partnerships/partner/{partner.pk}/change/")
    assert page.status_code == 200
    assert "confirm_translations" not in page.context["adminform"].form.fields


@pytest.mark.parametrize(
    "url",
    [
        "/en/admin/partnerships/agreement/",
        "/en/admin/partnerships/unit/",
        "/en/admin/mobility/application/",
        "/en/admin/partnerships/partner/add/",
        "/en/admin/config/homeinstitution/",
    ],
)
def test_translator_is_refused_other_models_and_adding(client, translator, url):
    assert client.get(url).status_code == 403


def test_translator_may_not_delete_act_or_revert(client, translator):
    partner = xinjiang()
    assert client.get(f"/en/admin/partnerships/partner/{partner.pk}/delete/").status_code == 403
    assert (
        client.post(
            "/en/admin/partnerships/partner/", {"action": "merge", "_selected_action": [partner.pk]}
        ).status_code
        == 403
    )
    history = partner.history.first()
    url = f"/en/admin/partnerships/partner/{partner.pk}/history/{history.history_id}/"
    assert client.post(url, {"name_en": "Reverted"}).status_code == 403


def test_translator_opens_programs_calls_visits_and_articles(client, translator):
    records = {
        "partnerships/jointprogram": JointProgramFactory(),
        "mobility/exchangecall": CallFactory(),
        "visits/visit": VisitFactory(),
        "visits/newsarticle": ArticleFactory(),
    }
    for path, record in records.items():
        assert client.get(f"/en/admin/{path}/").status_code == 200, path
        page = client.get(f"/en/admin/{path}/{record.pk}/change/")
        assert page.status_code == 200, path
        assert all(name.endswith(("_kk", "_zh_hans")) for name in page.context["adminform"].form.fields), path


def test_someone_without_translation_rights_has_no_queue(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(UserFactory(role="faculty"))
    assert client.get("/en/admin/config/translationstate/").status_code == 403


# ---------------------------------------------------------------- the queue


def test_queue_lists_public_records_first_then_recent(translator):
    hidden = xinjiang(is_public=False)
    old_public = xinjiang(is_public=True)
    new_public = xinjiang(is_public=True)
    done = PartnerFactory(name_en="Done", name_kk="Дайын", name_zh_hans="完成")
    queue = [state.object_id for state in translation_queue(translator)]
    assert queue == [new_public.pk, old_public.pk, hidden.pk]
    assert done.pk not in queue


def test_queue_leaves_out_other_languages_and_models(translator):
    PartnerFactory(name_en="Only English missing", name_kk="Тек", name_zh_hans="只", name_ru="Только")
    AgreementFactory(title_en="An agreement", partners=[PartnerFactory(name_en="A", name_kk="А", name_zh_hans="甲")])
    assert list(translation_queue(translator)) == []


def test_counts_and_queue_after_a_source_edit(client, translator):
    partner = PartnerFactory(name_en="Xinjiang University", name_kk="Шыңжаң университеті", name_zh_hans="新疆大学")
    assert translation_counts(translator) == {"missing": 0, "stale": 0, "total": 0}
    edit_source(partner)
    assert translation_counts(translator) == {"missing": 0, "stale": 1, "total": 1}
    page = client.get("/en/admin/config/translationstate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/en/admin/partnerships/partner/{partner.pk}/change/"' in html
    index = client.get("/en/admin/").content.decode()
    assert "Translation queue" in index
    assert "1 record has a stale translation." in index

    client.post(
        f"/en/admin/partnerships/partner/{partner.pk}/change/",
        {"name_kk": "Шыңжаң университеті (Үрімжі)", "name_zh_hans": "新疆大学（乌鲁木齐）"},
    )
    assert translation_counts(translator)["stale"] == 0


def test_queue_page_costs_constant_queries(client, translator, django_assert_max_num_queries):
    for n in range(5):
        PartnerFactory(name_en=f"University {n}")
    with django_assert_max_num_queries(20) as few:
        client.get("/en/admin/config/translationstate/")
    for n in range(5):
        PartnerFactory(name_en=f"College {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/en/admin/config/translationstate/")


# ---------------------------------------------------------------- staleness per field, through the form


def form_as_posted(client, url):
    """What this change form would post unchanged: its fields, its inline rows and their management forms."""
    page = client.get(url)
    data, shown = {}, [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        shown += inline.formset.initial_forms
    for form in shown:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False or isinstance(field, forms.FileField):
                continue
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


def visit_translated():
    values = {
        "title_en": "Visit to Xinjiang University",
        "city_en": "Urumqi",
        "purpose_en": "To open a seminar.",
        **{f"title_{code}": f"Visit ({code})" for code in ("kk", "ru", "zh_hans")},
        **{f"city_{code}": f"Urumqi ({code})" for code in ("kk", "ru", "zh_hans")},
        **{f"purpose_{code}": f"A seminar ({code})" for code in ("kk", "ru", "zh_hans")},
    }
    return VisitFactory(title=values["title_en"], **values)


def test_editing_one_source_field_marks_only_that_field_stale_and_putting_it_back_clears_it(office):
    visit = visit_translated()
    url = f"/en/admin/visits/visit/{visit.pk}/change/"
    data = form_as_posted(office, url)
    response = office.post(url, {**data, "purpose_en": "To open a seminar and agree the next steps."})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "4/4 · 3 stale" in office.get("/en/admin/visits/visit/").content.decode()
    form = office.get(url).context["adminform"].form
    marks = {name: field.widget.attrs.get("data-translation") for name, field in form.fields.items()}
    assert {name for name, mark in marks.items() if mark == "stale"} == {"purpose_kk", "purpose_ru", "purpose_zh_hans"}

    assert office.post(url, form_as_posted(office, url) | {"purpose_en": "To open a seminar."}).status_code == 302
    assert state_of(visit).stale == []
    assert "4/4 · " not in office.get("/en/admin/visits/visit/").content.decode()


def test_queue_filters_by_the_translated_kinds_it_holds_in_the_readers_language(client, translator):
    partner = PartnerFactory(name_en="Xinjiang University")
    VisitFactory(title_en="Visit to Urumqi", title="Visit to Urumqi", partners=[partner])
    page = client.get("/zh-hans/admin/config/translationstate/")
    assert page.status_code == 200
    kinds = page.context["cl"].filter_specs[-1]  # after «seen by the public»
    names = [str(choice["display"]) for choice in kinds.choices(page.context["cl"])][1:]  # after «All»
    assert names == sorted(names, key=collation_key)
    with translation.override("zh-hans"):
        expected = {str(capfirst(model._meta.verbose_name)) for model in (Partner, Visit)}
    assert set(names) == expected
    visits = ContentType.objects.get_for_model(Visit).pk
    page = client.get("/zh-hans/admin/config/translationstate/", {"content_type__id__exact": visits})
    assert [state.content_type_id for state in page.context["cl"].result_list] == [visits]
    assert client.get("/zh-hans/admin/config/translationstate/", {"content_type__id__exact": "x"}).status_code == 200
