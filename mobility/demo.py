"""Demo data of the mobility app: the first call that follows the visit to Xinjiang University."""

import datetime

from django.utils import timezone

from partnerships.models import Agreement, Partner

from .models import ExchangeCall, SelectionCriterion


def seed():
    xju = Partner.objects.get(slug="xinjiang-university")
    zone = timezone.get_default_timezone()
    call, _created = ExchangeCall.objects.update_or_create(
        slug="semester-exchange-xinjiang-university",
        defaults={
            "title_en": "Semester exchange at Xinjiang University, autumn 2027",
            "title_ru": "Семестровый обмен в Синьцзянском университете, осень 2027",
            "title_kk": "Шыңжаң университетінде семестрлік алмасу, 2027 жылдың күзі",
            "title_zh_hans": "新疆大学学期交换项目（2027年秋季）",
            "description_en": "Five bachelor's and master's students study one semester in Urumqi under the "
            "memorandum with Xinjiang University; tuition is waived by the host.",
            "description_ru": "Пять студентов бакалавриата и магистратуры учатся один семестр в Урумчи по "
            "меморандуму с Синьцзянским университетом; принимающая сторона не взимает плату за обучение.",
            "description_kk": "Шыңжаң университетімен меморандум бойынша бакалавриат пен магистратураның бес "
            "студенті Үрімшіде бір семестр оқиды; қабылдаушы тарап оқу ақысын алмайды.",
            "description_zh_hans": "根据与新疆大学的合作谅解备忘录，五名本科生和硕士研究生赴乌鲁木齐学习一个学期，"
            "接收方免收学费。",
            "mobility_type": ExchangeCall.MobilityType.SEMESTER,
            "levels": ["bachelor", "master"],
            "funding": ExchangeCall.Funding.UNIVERSITY,
            "places": 5,
            "opens_at": datetime.datetime(2026, 11, 1, 9, 0, tzinfo=zone),
            "closes_at": datetime.datetime(2027, 2, 15, 18, 0, tzinfo=zone),
            "mobility_starts_on": datetime.date(2027, 9, 1),
            "mobility_ends_on": datetime.date(2028, 1, 31),
            "min_gpa": "2.80",
            "min_credits": 60,
            "min_language_level": "B1",
            "min_year_of_study": 2,
            "required_documents_en": "Transcript of records\nLanguage certificate\nMotivation letter\nPassport copy",
            "required_documents_ru": "Транскрипт\nЯзыковой сертификат\nМотивационное письмо\nКопия паспорта",
            "required_documents_kk": "Транскрипт\nТіл сертификаты\nМотивациялық хат\nТөлқұжат көшірмесі",
            "required_documents_zh_hans": "成绩单\n语言证书\n动机信\n护照复印件",
            "has_second_stage": True,
            "second_stage_en": "An interview in Chinese or English.",
            "second_stage_ru": "Собеседование на китайском или английском языке.",
            "second_stage_kk": "Қытай немесе ағылшын тіліндегі сұхбат.",
            "second_stage_zh_hans": "中文或英文面试。",
            "is_published": True,
        },
    )
    call.partners.set([xju])
    call.agreements.set(Agreement.objects.filter(partners=xju, kind=Agreement.Kind.MOU))
    for name_en, name_ru, name_kk, name_zh, weight in (
        ("Grade point average", "Средний балл (GPA)", "Орташа балл (GPA)", "平均学分绩点", 50),
        ("Language level", "Уровень владения языком", "Тілді меңгеру деңгейі", "语言水平", 30),
        ("Motivation letter", "Мотивационное письмо", "Мотивациялық хат", "动机信", 20),
    ):
        SelectionCriterion.objects.update_or_create(
            call=call,
            name_en=name_en,
            defaults={"name_ru": name_ru, "name_kk": name_kk, "name_zh_hans": name_zh, "weight": weight},
        )
    return call
