"""The translation workflow of content: which languages of a record are complete, which are stale, who may translate.

Every model registered with modeltranslation keeps one TranslationState per record, updated after each save
(config.apps connects `record_translations`, so the admin, the services and the demo all go through it).
"""

import hashlib
import json
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .i18n import language_codes
from .models import TranslationState
from .text import join_list

LANGUAGE_NAMES = {
    "kk": _("Kazakh"),
    "ru": _("Russian"),
    "en": _("English"),
    "zh-hans": _("Chinese"),
}

# The records translators work on: what readers of the public pages meet (the office translates the rest).
TRANSLATOR_MODELS = (
    "partnerships.partner",
    "partnerships.jointprogram",
    "mobility.exchangecall",
    "visits.visit",
    "visits.newsarticle",
)


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get(code, dict(settings.LANGUAGES).get(code, code)))


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The names of the model's translatable fields (title, description…), or () if it has none."""
    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def translated_models() -> list[type[models.Model]]:
    return [model for model in translator.get_registered_models(abstract=False) if not model._meta.proxy]


def texts_of(obj: models.Model, code: str) -> dict[str, str]:
    return {name: getattr(obj, build_localized_fieldname(name, code)) or "" for name in translated_fields(type(obj))}


def digest(texts: dict[str, str]) -> str:
    """One hash of a language's texts together, as states recorded before the hashes per field kept them."""
    return hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def field_digests(texts: dict[str, str]) -> dict[str, str]:
    """The hash of each text written in one language (a field left empty has none)."""
    return {name: hashlib.sha256(text.encode()).hexdigest()[:16] for name, text in texts.items() if text.strip()}


def missing_languages(obj: models.Model, source: str) -> list[str]:
    """The languages lacking a text that the source language has (every field written somewhere, if the source
    has none)."""
    by_language = {code: texts_of(obj, code) for code in language_codes()}
    needed = [name for name, text in by_language[source].items() if text.strip()]
    if not needed:
        needed = [name for name in translated_fields(type(obj)) if any(t[name].strip() for t in by_language.values())]
    return [code for code, texts in by_language.items() if any(not texts[name].strip() for name in needed)]


def is_public(obj: models.Model) -> bool:
    """Whether readers of the public pages see the record (a published article, a public partner)."""
    for name in ("is_published", "is_public"):
        if hasattr(obj, name):
            return bool(getattr(obj, name))
    return True


def state_of(obj: models.Model) -> TranslationState | None:
    return TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).first()


@transaction.atomic
def record_translations(obj: models.Model) -> TranslationState | None:
    """After a save: each language whose texts changed is marked edited now. A translated text is stale while the
    source text it was translated from (its hash is kept beside the translation's) is not the source's text now:
    a change to one source field makes that field alone stale in the other languages, and the source text put
    back makes it current again. The first language written becomes the source."""
    fields = translated_fields(type(obj))
    if not fields or obj.pk is None:
        return None
    content_type = ContentType.objects.get_for_model(obj)
    state = TranslationState.objects.select_for_update().filter(
        content_type=content_type, object_id=obj.pk
    ).first() or TranslationState(content_type=content_type, object_id=obj.pk)
    codes = language_codes()
    texts = {code: texts_of(obj, code) for code in codes}
    written = [code for code in codes if any(text.strip() for text in texts[code].values())]
    if not state.source_language or state.source_language not in codes:
        current = get_language()
        preferred = [current, settings.MODELTRANSLATION_DEFAULT_LANGUAGE, *codes]
        state.source_language = next((code for code in preferred if code in written), preferred[1])
    source = state.source_language
    now = timezone.now().isoformat()
    hashes = {code: field_digests(texts[code]) for code in codes}
    source_before, _basis = earlier_digests(state, source, texts[source], hashes[source], source_edited=False)
    source_edited = source_before != hashes[source]
    digests = {}
    edited_at = dict(state.edited_at)
    for code in codes:
        before, basis = earlier_digests(state, code, texts[code], hashes[source], source_edited=source_edited)
        if before != hashes[code] and code in written:
            edited_at[code] = now
        # A text written or changed in this save translates the source text as it is now.
        for name, text_hash in hashes[code].items():
            if before.get(name) != text_hash or name not in basis:
                basis[name] = hashes[source].get(name)
        translated_from = {} if code == source else {name: basis[name] for name in hashes[code]}
        digests[code] = {"text": hashes[code], "from": translated_from}
    state.digests = digests
    state.stale = [code for code in codes if code != source and outdated_fields(digests[code], digests[source])]
    state.missing = missing_languages(obj, source)
    state.edited_at = {code: at for code, at in edited_at.items() if code in written}
    state.label = str(obj)[:255]
    state.is_public = is_public(obj)
    state.changed_at = timezone.now()
    state.save()
    return state


UNKNOWN_SOURCE = ""  # a legacy state's stale text: which source text it translates is not known


def earlier_digests(state, code: str, texts: dict[str, str], source_hashes: dict, *, source_edited: bool):
    """The hashes of a language's texts before this save, and of the source text each of them translates.

    A state recorded before the hashes per field kept one hash per language: an unchanged language translates the
    current source, unless it was stale or the source changed in this save (then all its texts are stale)."""
    entry = state.digests.get(code)
    if isinstance(entry, dict):
        return dict(entry.get("text", {})), dict(entry.get("from", {}))
    if entry != digest(texts):  # also a language (or a record) never recorded: all its texts are new
        return {}, {}
    hashes = field_digests(texts)
    current = code not in state.stale and not source_edited
    return hashes, {name: source_hashes.get(name) if current else UNKNOWN_SOURCE for name in hashes}


def outdated_fields(entry: dict, source_entry: dict) -> list[str]:
    """The fields of a translation whose source text is no longer the one it was translated from."""
    return [name for name in entry["text"] if entry["from"].get(name) != source_entry["text"].get(name)]


def stale_fields(state: TranslationState, fields) -> dict[str, list[str]]:
    """For each stale language of the record, its stale fields in the order of `fields` (all of them for a legacy
    state)."""
    source = state.digests.get(state.source_language)
    found = {}
    for code in state.stale:
        entry = state.digests.get(code)
        if isinstance(entry, dict) and isinstance(source, dict):
            outdated = outdated_fields(entry, source)
            found[code] = [name for name in fields if name in outdated]
        else:
            found[code] = list(fields)
    return found


@transaction.atomic
def confirm_translations(obj: models.Model, *, languages, by=None) -> list[str]:
    """Mark these languages of the record current without editing them (the source change did not touch their
    meaning): their texts now translate the current source. Returns the languages that were stale and no longer
    are."""
    state = state_of(obj) or record_translations(obj)
    if state is None:
        return []
    confirmed = [code for code in state.stale if code in languages]
    if not confirmed:
        return []
    if not all(isinstance(state.digests.get(code), dict) for code in [state.source_language, *confirmed]):
        state = record_translations(obj)  # a legacy state gets its hashes per field
    source_hashes = state.digests[state.source_language]["text"]
    for code in confirmed:
        entry = state.digests[code]
        entry["from"] = {name: source_hashes.get(name) for name in entry["text"]}
    now = timezone.now().isoformat()
    state.stale = [code for code in state.stale if code not in confirmed]
    state.edited_at = {**state.edited_at, **dict.fromkeys(confirmed, now)}
    state.save(update_fields=["stale", "edited_at", "digests"])
    return confirmed


def forget_translations(obj: models.Model) -> None:
    """A deleted record's state goes with it."""
    TranslationState.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).delete()


# ---------------------------------------------------------------- lists: one subquery, whatever the page size


def with_translation_state(queryset: models.QuerySet) -> models.QuerySet:
    """The records with their missing and stale languages (None before the first save), read in the same query."""
    states = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
    )
    return queryset.annotate(
        translation_missing=Subquery(states.values("missing")[:1], output_field=models.JSONField()),
        translation_stale=Subquery(states.values("stale")[:1], output_field=models.JSONField()),
    )


def filter_by_translation(queryset: models.QuerySet, *, kind: str, language: str) -> models.QuerySet:
    """The records missing (kind "missing") or stale ("stale") in this language."""
    lookup = {"missing": "missing__contains", "stale": "stale__contains"}[kind]
    states = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), **{lookup: [language]}
    )
    return queryset.filter(pk__in=states.values("object_id"))


def summary(missing, stale) -> str:
    """«4/4 · 2 stale»: how many languages are complete, and how many of them are stale."""
    total = len(language_codes())
    text = f"{total - len(missing)}/{total}"
    if stale:
        stale_text = ngettext("%(count)d stale", "%(count)d stale", len(stale)) % {"count": len(stale)}
        text = f"{text} · {stale_text}"
    return text


# ---------------------------------------------------------------- the translator role


def translator_languages(user) -> list[str]:
    """The languages this person may translate content into (a permission per language; office staff all)."""
    if not user.is_active or not user.is_staff:
        return []
    return [code for code in language_codes() if user.has_perm(f"config.{permission_codename(code)}")]


def permission_codename(code: str) -> str:
    return "translate_" + code.replace("-", "_")


def may_translate(user, model: type[models.Model]) -> bool:
    """Whether the translator role lets this person edit the model's translatable fields (in their languages)."""
    return model._meta.label_lower in TRANSLATOR_MODELS and bool(translator_languages(user))


def queue_models(user) -> list[type[models.Model]]:
    """The models whose records the person's queue lists: the translators' models, or every translated model
    for someone who may change them all."""
    models_ = []
    for model in translated_models():
        opts = model._meta
        if opts.label_lower in TRANSLATOR_MODELS or user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            models_.append(model)
    return models_


def translation_content_types(user) -> list[ContentType]:
    return list(ContentType.objects.get_for_models(*queue_models(user)).values()) if translator_languages(user) else []


def queue_filter(user) -> Q:
    """The states in the person's queue: a record of their models missing or stale in one of their languages."""
    languages = translator_languages(user)
    types = translation_content_types(user)
    if not languages or not types:
        return Q(pk__in=[])
    return Q(content_type__in=types) & (Q(missing__has_any_keys=languages) | Q(stale__has_any_keys=languages))


def translation_queue(user) -> models.QuerySet:
    """What is missing or stale in the person's languages, what readers see most first: public, then recent."""
    return (
        TranslationState.objects.filter(queue_filter(user))
        .select_related("content_type")
        .order_by("-is_public", "-changed_at", "pk")
    )


def translation_counts(user) -> dict[str, int]:
    """How many records of the person's queue lack a language ("missing") or have one out of date ("stale")."""
    languages = translator_languages(user)
    if not languages:
        return {"missing": 0, "stale": 0, "total": 0}
    counts = TranslationState.objects.filter(queue_filter(user)).aggregate(
        missing=Count("pk", filter=Q(missing__has_any_keys=languages)),
        stale=Count("pk", filter=Q(stale__has_any_keys=languages)),
        total=Count("pk"),
    )
    return counts


# ---------------------------------------------------------------- publishing needs chosen languages


def required_languages(obj: models.Model) -> list[str]:
    """The languages a record needs before it is published, from settings.PUBLISH_REQUIRED_LANGUAGES: language
    codes, and words the record resolves ("instruction": a call's languages of instruction, "partner": the
    partners' languages)."""
    wanted = settings.PUBLISH_REQUIRED_LANGUAGES.get(obj._meta.label_lower, ())
    codes = language_codes()
    found = []
    for item in wanted:
        found += [item] if item in codes else obj.translation_languages(item)
    return [code for code in codes if code in found]


def codes_in(text: str) -> list[str]:
    """The portal's languages named in a free text such as "en, zh" (a condition's recommended language)."""
    codes = language_codes()
    found = []
    for word in re.split(r"[^a-zA-Z-]+", text.lower()):
        found += [code for code in codes if word and (code == word or code.startswith(word + "-"))]
    return found


def check_required_languages(obj: models.Model, *, field: str = "is_published") -> None:
    """Refuse to publish a record that lacks a text in one of its required languages, naming them.

    Only the step to published is checked: a record published before stays open to every other change (closing a
    call early, confirming its selection)."""
    if obj.pk and type(obj)._base_manager.filter(pk=obj.pk, **{field: True}).exists():
        return
    codes = language_codes()
    state = state_of(obj) if obj.pk else None
    written = [c for c in [settings.MODELTRANSLATION_DEFAULT_LANGUAGE, *codes] if any(texts_of(obj, c).values())]
    source = state.source_language if state else next(iter(written), settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    missing = [code for code in missing_languages(obj, source) if code in required_languages(obj)]
    if missing:
        names = join_list([language_name(code) for code in missing])
        message = ngettext(
            "It cannot be published without a translation into this language: %(languages)s.",
            "It cannot be published without a translation into these languages: %(languages)s.",
            len(missing),
        )
        raise ValidationError({field: message % {"languages": names}}, code="translation_missing")
