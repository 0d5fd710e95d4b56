import datetime
import os
import subprocess
import sys

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django_countries import countries

from config.pinyin import COUNTRY_NAMES, computed
from config.text import collation_key, date_range, join_labels, join_list, place

D = datetime.date


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "新疆大学、兰州大学"),
        ("kk", "Шыңжаң университеті, Ланьчжоу университеті"),
        ("ru", "Синьцзянский университет, Ланьчжоуский университет"),
    ],
)
def test_names_are_joined_as_each_language_joins_them(language, expected):
    names = {
        "zh-hans": ["新疆大学", "兰州大学"],
        "kk": ["Шыңжаң университеті", "Ланьчжоу университеті"],
        "ru": ["Синьцзянский университет", "Ланьчжоуский университет"],
    }[language]

    with translation.override(language):
        assert join_list(names) == expected


def test_chinese_joins_items_that_carry_commas_with_a_full_width_semicolon():
    with translation.override("zh-hans"):
        assert join_list(["孤儿, 失去父母监护的儿童", "残疾人"], long_items=True) == "孤儿, 失去父母监护的儿童；残疾人"


@pytest.mark.parametrize(
    ("language", "labels", "expected"),
    [
        ("ru", ["Студенты бакалавриата", "Студенты магистратуры"], "студенты бакалавриата, студенты магистратуры"),
        ("kk", ["Бакалавриат студенттері", "Транскрипт"], "бакалавриат студенттері, транскрипт"),
        ("en", ["Bachelor students", "CV", "ISCED field"], "bachelor students, CV, ISCED field"),
    ],
)
def test_choice_labels_inside_a_list_lose_their_capitals_but_codes_keep_them(language, labels, expected):
    with translation.override(language):
        assert join_labels(labels) == expected


def test_a_joined_list_escapes_every_part_when_one_of_them_is_html():
    joined = join_list([mark_safe('<span lang="en">Xinjiang University</span>'), "<b>"])

    assert str(joined) == '<span lang="en">Xinjiang University</span>, &lt;b&gt;'


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "中国乌鲁木齐"), ("ru", "Урумчи, Китай"), ("kk", "Үрімші, Қытай"), ("en", "Urumqi, China")],
)
def test_a_place_is_written_country_first_without_a_comma_only_in_chinese(language, expected):
    city = {"zh-hans": "乌鲁木齐", "ru": "Урумчи", "kk": "Үрімші", "en": "Urumqi"}[language]

    with translation.override(language):
        assert place(city, countries.name("CN")) == expected


def test_the_place_tag_marks_a_fallback_city_with_its_language():
    from config.templatetags.languages import Shown

    with translation.override("zh-hans"):
        html = Template("{% load languages %}{% place city 'CN' %}").render(
            Context({"city": Shown(text="Urumqi", lang="en", is_fallback=True)})
        )

    assert html == '中国<span lang="en">Urumqi</span>'


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("ru", D(2025, 10, 29), D(2025, 10, 31), "29–31 октября 2025 г."),
        ("ru", D(2025, 10, 29), D(2025, 11, 2), "29 октября – 2 ноября 2025 г."),
        ("ru", D(2025, 12, 29), D(2026, 1, 2), "29 декабря 2025 г. – 2 января 2026 г."),
        ("kk", D(2025, 10, 29), D(2025, 10, 31), "2025 ж. 29–31 қазан"),
        ("kk", D(2025, 10, 29), D(2025, 11, 2), "2025 ж. 29 қазан – 2 қараша"),
        ("kk", D(2025, 12, 29), D(2026, 1, 2), "2025 ж. 29 желтоқсан – 2026 ж. 2 қаңтар"),
        ("zh-hans", D(2025, 10, 29), D(2025, 10, 31), "2025年10月29日至31日"),
        ("zh-hans", D(2025, 10, 29), D(2025, 11, 2), "2025年10月29日至11月2日"),
        ("zh-hans", D(2025, 12, 29), D(2026, 1, 2), "2025年12月29日至2026年1月2日"),
        ("en", D(2025, 10, 29), D(2025, 10, 31), "Oct. 29–31, 2025"),
        ("en", D(2025, 10, 29), D(2025, 11, 2), "Oct. 29 – Nov. 2, 2025"),
        ("en", D(2025, 10, 29), D(2025, 10, 29), "Oct. 29, 2025"),
    ],
)
def test_date_ranges_name_the_shared_year_and_month_once(language, start, end, expected):
    with translation.override(language):
        assert date_range(start, end) == expected
        assert (
            Template("{% load languages %}{{ start|date_range:end }}").render(Context({"start": start, "end": end}))
            == expected
        )


def test_kazakh_order_puts_each_kazakh_letter_after_its_neighbour_and_i_after_yeru():
    words = ["Іле", "Ыстық", "Қазақстан", "Күн", "Ұлытау", "Үрімші", "Уфа", "Әзірбайжан", "Бразилия", "Ашхабад"]

    assert sorted(words, key=lambda word: collation_key(word, "kk")) == [
        "Ашхабад",
        "Әзірбайжан",
        "Бразилия",
        "Күн",
        "Қазақстан",
        "Уфа",
        "Ұлытау",
        "Үрімші",
        "Ыстық",
        "Іле",
    ]


def test_russian_order_keeps_yo_with_ye_not_after_ya():
    assert sorted(["Ёлка", "Ямайка", "Египет"], key=lambda word: collation_key(word, "ru")) == [
        "Египет",
        "Ёлка",
        "Ямайка",
    ]


def test_chinese_names_sort_by_pinyin():
    assert sorted(["中国", "阿富汗", "德国", "巴西"], key=lambda word: collation_key(word, "zh-hans")) == [
        "阿富汗",
        "巴西",
        "德国",
        "中国",
    ]


def test_names_other_than_countries_sort_by_pinyin_too_polyphonic_characters_by_their_phrase():
    names = ["重庆大学", "长安大学", "北京大学"]  # chóngqìng, cháng'ān: read as words, not character by character

    assert sorted(names, key=lambda word: collation_key(word, "zh-hans")) == ["北京大学", "长安大学", "重庆大学"]


def test_the_written_out_pinyin_of_the_country_names_is_pypinyins():
    # Out of date after an upgrade of pypinyin or django-countries: write computed()'s value into config/pinyin.py.
    assert computed() == COUNTRY_NAMES


def test_a_web_worker_sorting_every_country_list_in_chinese_never_loads_pypinyin():
    script = (
        "import sys, django; django.setup()\n"
        "from django.utils import translation\n"
        "from django_countries import countries\n"
        "with translation.override('zh-hans'):\n"
        "    assert [name for _code, name in countries]\n"
        "assert 'pypinyin' not in sys.modules, 'pypinyin loaded'\n"
    )
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env=environment
    )

    assert result.returncode == 0, result.stderr[-500:]


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("kk", "Қазақстан", "Үндістан"),  # қ after к, long before ү
        ("kk", "Ресей", "Үндістан"),
        ("ru", "Казахстан", "Россия"),
        ("zh-hans", "哈萨克斯坦", "中国"),  # Hasakesitan before Zhongguo
    ],
)
def test_the_country_list_of_every_form_sorts_in_the_readers_language(language, before, after):
    with translation.override(language):
        names = [str(name) for _code, name in countries]

    assert names.index(before) < names.index(after)
    with translation.override(language):
        assert names == sorted(names, key=collation_key)
