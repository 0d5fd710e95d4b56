"""Every user-facing string exists in Kazakh, Russian and Chinese: ours and the libraries' we show."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import allauth
import django
import django_countries
import import_export
import polib
import pytest
import rest_framework
import simple_history
from django.utils.translation import to_language
from django.utils.translation.trans_real import DjangoTranslation

from tests.helpers import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ["kk", "ru", "zh_Hans"]
OUR_CATALOGUES = [BASE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in LANGUAGES]
ALL_CATALOGUES = OUR_CATALOGUES + sorted((BASE_DIR / "vendor_locale").glob("*/LC_MESSAGES/*.po"))
DJANGO_DIR = Path(django.__file__).parent
# Every third-party catalogue whose strings reach our users; vendor_locale/ fills their gaps.
THIRD_PARTY = {
    "django": [
        DJANGO_DIR / "conf" / "locale",
        DJANGO_DIR / "contrib" / "admin" / "locale",
        DJANGO_DIR / "contrib" / "auth" / "locale",
        DJANGO_DIR / "contrib" / "contenttypes" / "locale",
        DJANGO_DIR / "contrib" / "sessions" / "locale",
        Path(allauth.__file__).parent / "locale",
        Path(django_countries.__file__).parent / "locale",
        Path(import_export.__file__).parent / "locale",
        Path(simple_history.__file__).parent / "locale",
        Path(rest_framework.__file__).parent / "locale",  # the API's errors; ships compiled catalogues only
    ],
    "djangojs": [DJANGO_DIR / "contrib" / "admin" / "locale"],
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def key(entry):
    return (entry.msgctxt, entry.msgid)


def translated_keys(catalogue):
    """The strings a catalogue translates; a plural entry translates its plural form too."""
    keys = set()
    for entry in catalogue.translated_entries():
        keys.add(key(entry))
        if entry.msgid_plural:
            keys.add((entry.msgctxt, entry.msgid_plural))
    return keys


def catalogue(path):
    """A package's catalogue from its .po, or from its .mo where it ships only that (Django REST framework)."""
    if path.exists():
        return polib.pofile(str(path))
    compiled = path.with_suffix(".mo")
    return polib.mofile(str(compiled)) if compiled.exists() else None


def message_source(locale_dir, domain):
    """The English catalogue lists every current string (a language's own may lag behind).

    Without one, the fullest catalogue the package ships.
    """
    english = locale_dir / "en" / "LC_MESSAGES" / f"{domain}.po"
    if catalogue(english) is not None:
        return catalogue(english)
    catalogues = [catalogue(path) for path in locale_dir.glob(f"*/LC_MESSAGES/{domain}.po")]
    return max(catalogues, key=lambda found: len(found.translated_entries()))


def placeholders(text):
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=str)
def test_catalogue_is_complete_and_nothing_is_fuzzy(path):
    catalogue = polib.pofile(str(path))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=str)
def test_translations_keep_every_placeholder(path):
    broken = []
    for entry in polib.pofile(str(path)).translated_entries():
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            # A plural form may leave out the count ("one file"), never add or rename a placeholder.
            if not placeholders(form) <= expected or (not entry.msgid_plural and placeholders(form) != expected):
                broken.append((entry.msgid, form))

    assert broken == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("domain", THIRD_PARTY)
def test_third_party_strings_are_translated_in_every_language(language, domain):
    ours = BASE_DIR / "vendor_locale" / language / "LC_MESSAGES" / f"{domain}.po"
    translated = translated_keys(polib.pofile(str(ours))) if ours.exists() else set()
    missing = []
    for locale_dir in THIRD_PARTY[domain]:
        own = catalogue(locale_dir / language / "LC_MESSAGES" / f"{domain}.po")
        source = message_source(locale_dir, domain)
        package = translated_keys(own) if own is not None else set()
        missing += [e.msgid for e in source if e.msgid and not e.obsolete and key(e) not in package | translated]

    assert missing == [], f"add these to {ours.relative_to(BASE_DIR)}"


def test_catalogues_hold_exactly_the_strings_marked_in_the_source(tmp_path):
    """makemessages on a copy of the project finds nothing new and nothing gone."""
    if not shutil.which("xgettext"):
        skip_or_fail("GNU gettext (xgettext) is not installed: cannot extract the strings to compare.")
    copy = tmp_path / "project"
    shutil.copytree(BASE_DIR, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "*.mo"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location", "--no-obsolete", "--ignore=vendor_locale"]
        + [f"--locale={lang}" for lang in LANGUAGES],
        cwd=copy,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        check=True,
        capture_output=True,
    )

    for lang in LANGUAGES:
        relative = Path("locale") / lang / "LC_MESSAGES" / "django.po"
        extracted = {key(e) for e in polib.pofile(str(copy / relative)) if not e.obsolete}
        committed = {key(e) for e in polib.pofile(str(BASE_DIR / relative)) if not e.obsolete}
        assert extracted - committed == set(), f"run `make messages` and translate the new strings in {relative}"
        assert committed - extracted == set(), f"run `make messages` to drop strings no longer used from {relative}"


def shown(language, entry, domain):
    """What the portal shows for a catalogue entry (its singular form), through Django's merging of catalogues."""
    catalogue = DjangoTranslation(language, domain=domain)
    if entry.msgid_plural:
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        return catalogue.ngettext(msgid, entry.msgid_plural, 1)
    return catalogue.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else catalogue.gettext(entry.msgid)


@pytest.mark.parametrize("path", sorted((BASE_DIR / "vendor_locale").glob("*/LC_MESSAGES/*.po")), ids=str)
def test_vendor_locale_wins_over_the_packages_and_locale_wins_over_vendor_locale(path):
    """LOCALE_PATHS lists locale/ first: every correction in vendor_locale/ shows, in both domains."""
    language, domain = to_language(path.parent.parent.name), path.stem
    ours = BASE_DIR / "locale" / path.parent.parent.name / "LC_MESSAGES" / path.name
    winners = {key(e): e for e in polib.pofile(str(ours)).translated_entries()} if ours.exists() else {}
    wrong = []
    for entry in polib.pofile(str(path)).translated_entries():
        winner = winners.get(key(entry), entry)
        expected = winner.msgstr_plural[0] if winner.msgid_plural else winner.msgstr
        if shown(language, entry, domain) != expected:
            wrong.append((entry.msgctxt, entry.msgid, expected))

    assert wrong == []


# Kazakh puts a case ending on the word before a postposition ("қазанға дейін"): after a placeholder that
# ending cannot be written, so sentences are built without one ("Соңғы мерзім: %(date)s"). A link's opening
# tag (%(link)s) is no word and may stand before one.
CASE_AFTER_PLACEHOLDER = re.compile(
    r"(%\((?!link\))\w+\)[sd]|\{\w*\})(\s+(дейін|бастап|кейін|бұрын|соң|бері|шейін)\b|[а-яәғқңөұүһі]+)"
)


def test_kazakh_sentences_need_no_case_ending_after_a_placeholder():
    kazakh = [BASE_DIR / "locale" / "kk" / "LC_MESSAGES" / "django.po"]
    kazakh += sorted((BASE_DIR / "vendor_locale" / "kk").glob("LC_MESSAGES/*.po"))
    found = []
    for path in kazakh:
        for entry in polib.pofile(str(path)).translated_entries():
            forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            found += [(entry.msgid, form) for form in forms if CASE_AFTER_PLACEHOLDER.search(form)]

    assert found == []


def test_every_field_people_edit_has_a_translated_label():
    """A field without its own verbose_name is labelled with its English attribute name in every language."""
    from django.apps import apps
    from django.utils.functional import Promise
    from modeltranslation.fields import TranslationField

    portal_apps = {"config", "accounts", "notifications", "partnerships", "visits", "mobility", "api"}
    unlabelled = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in portal_apps and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.editable
        and not isinstance(field, TranslationField)
        and not isinstance(field.verbose_name, Promise)
    ]
    assert unlabelled == []
