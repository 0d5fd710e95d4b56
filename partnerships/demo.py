"""Demo data of the partnerships app: the home university (M. Auezov South Kazakhstan University)."""

from datetime import date

from config.models import HomeInstitution

from .models import (
    Agreement,
    Campus,
    Contact,
    CooperationCondition,
    IscedField,
    JointProgram,
    Partner,
    PartnerDomain,
    Unit,
)
from .services import refresh_search_text


def seed() -> HomeInstitution:
    home, _created = HomeInstitution.objects.update_or_create(
        singleton=True,
        defaults={
            "name_en": "M. Auezov South Kazakhstan University",
            "name_ru": "Южно-Казахстанский университет имени М. Ауэзова",
            "name_kk": "М. Әуезов атындағы Оңтүстік Қазақстан университеті",
            "name_zh_hans": "奥埃佐夫南哈萨克斯坦大学",
            "short_name_en": "Auezov University",
            "short_name_ru": "ЮКУ им. М. Ауэзова",
            "short_name_kk": "М. Әуезов атындағы ОҚУ",
            "short_name_zh_hans": "奥埃佐夫大学",
            "welcome_en": "Our partner universities, agreements, official visits and exchange calls, "
            "kept by the international cooperation office.",
            "welcome_ru": "Университеты-партнёры, соглашения, официальные визиты и конкурсы по академической "
            "мобильности — в ведении отдела международного сотрудничества.",
            "welcome_kk": "Серіктес университеттер, келісімдер, ресми сапарлар және академиялық ұтқырлық "
            "конкурстары — халықаралық ынтымақтастық бөлімінің қарауында.",
            "welcome_zh_hans": "合作院校、协议、正式访问和学术交流项目招募，由国际合作与交流处统一管理。",
            "postcode": "160012",
            "city_en": "Shymkent",
            "city_ru": "Шымкент",
            "city_kk": "Шымкент",
            "city_zh_hans": "奇姆肯特",
            "address_en": "5 Tauke Khan Avenue",
            "address_ru": "проспект Тауке хана, 5",
            "address_kk": "Тәуке хан даңғылы, 5",
            "address_zh_hans": "陶克汗大街5号",
            "phone_label_en": "Chancellery",
            "phone_label_ru": "Канцелярия",
            "phone_label_kk": "Кеңсе",
            "phone_label_zh_hans": "学校办公室",
            "phone": "(8-725-2) 21-01-41",
            "email": "canselyarya@mail.ru",
            "info_email": "info@auezov.edu.kz",
            "website": "https://auezov.edu.kz/",
            "international_office_email": "international@auezov.edu.kz",
            "staff_email_domains": "auezov.edu.kz",
        },
    )
    return home


def seed_xinjiang(*, coordinator=None):
    """Xinjiang University (Urumqi): campuses, units, contacts, the memorandum, its conditions and programs."""
    xju, _created = Partner.objects.update_or_create(
        slug="xinjiang-university",
        defaults={
            "name_en": "Xinjiang University",
            "name_ru": "Синьцзянский университет",
            "name_kk": "Шыңжаң университеті",
            "name_zh_hans": "新疆大学",
            "short_name_en": "XJU",
            "short_name_zh_hans": "新大",
            "other_names": "Xinjiang Daxue\nXJU",
            "city_en": "Urumqi",
            "city_ru": "Урумчи",
            "city_kk": "Үрімші",
            "city_zh_hans": "乌鲁木齐",
            "country": "CN",
            "region": "Xinjiang",
            "kind": Partner.Kind.UNIVERSITY,
            "status": Partner.Status.ACTIVE,
            "website": "https://www.xju.edu.cn/",
            "is_public": True,
            "description_en": "A comprehensive university in Urumqi and a key partner for language training, "
            "engineering, geology and mining.",
            "description_ru": "Многопрофильный университет в Урумчи, ключевой партнёр в области языковой подготовки, "
            "инженерного дела, геологии и горного дела.",
            "description_kk": "Үрімшідегі көпсалалы университет, тілдік даярлық, инженерия, геология және тау-кен "
            "ісі бойынша негізгі серіктес.",
            "description_zh_hans": "位于乌鲁木齐的综合性大学，在语言培训、工程、地质与矿业领域是重要的合作院校。",
        },
    )
    PartnerDomain.objects.get_or_create(domain="xju.edu.cn", defaults={"partner": xju})
    honghu, _created = Campus.objects.update_or_create(
        partner=xju,
        name_en="Honghu (Red Lake) campus",
        defaults={"name_ru": "Кампус Хунху", "name_kk": "Хунху кампусы", "name_zh_hans": "红湖校区"},
    )
    boda, _created = Campus.objects.update_or_create(
        partner=xju,
        name_en="Boda campus",
        defaults={"name_ru": "Кампус Бода", "name_kk": "Бода кампусы", "name_zh_hans": "博达校区"},
    )

    def unit(name_en, name_ru, name_kk, name_zh, kind, *, partner=xju, parent=None, campus=None):
        found, _created = Unit.objects.update_or_create(
            partner=partner,
            name_en=name_en,
            defaults={
                "name_ru": name_ru,
                "name_kk": name_kk,
                "name_zh_hans": name_zh,
                "kind": kind,
                "parent": parent,
                "campus": campus,
            },
        )
        return found

    cultural = unit(
        "Institute of International Cultural Exchange",
        "Институт международного культурного обмена",
        "Халықаралық мәдени алмасу институты",
        "国际文化交流学院",
        Unit.Kind.COLLEGE,
        campus=honghu,
    )
    cooperation = unit(
        "Department of International Cooperation and Exchanges",
        "Отдел международного сотрудничества и обменов",
        "Халықаралық ынтымақтастық және алмасу бөлімі",
        "国际合作与交流处",
        Unit.Kind.OFFICE,
        campus=honghu,
    )
    unit(
        "School of Foreign Languages",
        "Институт иностранных языков",
        "Шет тілдері институты",
        "外国语学院",
        Unit.Kind.COLLEGE,
        campus=honghu,
    )
    unit(
        "School of Chemical Engineering and Technology",
        "Институт химической инженерии и технологии",
        "Химиялық инженерия және технология институты",
        "化工学院",
        Unit.Kind.COLLEGE,
        campus=boda,
    )
    geology = unit(
        "School of Geology and Mining Engineering",
        "Институт геологии и горного дела",
        "Геология және тау-кен ісі институты",
        "地质与矿业工程学院",
        Unit.Kind.COLLEGE,
        campus=boda,
    )
    top_engineer = unit(
        "Top Engineer College",
        "Институт «Выдающийся инженер»",
        "«Үздік инженер» институты",
        "卓越工程师学院",
        Unit.Kind.COLLEGE,
        campus=boda,
    )
    unit(
        "Engineering Training Centre",
        "Центр инженерной подготовки",
        "Инженерлік даярлау орталығы",
        "工程训练中心",
        Unit.Kind.CENTRE,
        parent=top_engineer,
        campus=boda,
    )

    home_office = unit(
        "International Cooperation Office",
        "Отдел международного сотрудничества",
        "Халықаралық ынтымақтастық бөлімі",
        "国际合作与交流处",
        Unit.Kind.OFFICE,
        partner=None,
    )

    def contact(name, latin, position_en, position_ru, position_kk, position_zh, *, unit=None, primary=False):
        Contact.objects.update_or_create(
            partner=xju,
            name=name,
            defaults={
                "latin_name": latin,
                "position_en": position_en,
                "position_ru": position_ru,
                "position_kk": position_kk,
                "position_zh_hans": position_zh,
                "unit": unit,
                "is_primary": primary,
            },
        )

    contact("金刚", "Jin Gang", "Vice-Rector", "Проректор", "Проректор", "副校长")
    contact(
        "努尔艾合买提·依不拉音",
        "Nurahmet Ibrayim",
        "Head of the Department of International Cooperation and Exchanges",
        "Начальник отдела международного сотрудничества и обменов",
        "Халықаралық ынтымақтастық және алмасу бөлімінің басшысы",
        "国际合作与交流处处长",
        unit=cooperation,
        primary=True,
    )
    contact(
        "国际文化交流学院院长",
        "",
        "Director of the Institute of International Cultural Exchange",
        "Директор Института международного культурного обмена",
        "Халықаралық мәдени алмасу институтының директоры",
        "国际文化交流学院院长",
        unit=cultural,
    )
    contact(
        "地质与矿业工程学院院长",
        "",
        "Dean of the School of Geology and Mining Engineering",
        "Директор Института геологии и горного дела",
        "Геология және тау-кен ісі институтының директоры",
        "地质与矿业工程学院院长",
        unit=geology,
    )
    refresh_search_text([xju])

    mou, _created = Agreement.objects.update_or_create(
        reference_number="MoU-XJU-2025",
        defaults={
            "kind": Agreement.Kind.MOU,
            "title_en": "Memorandum of understanding with Xinjiang University",
            "title_ru": "Меморандум о взаимопонимании с Синьцзянским университетом",
            "title_kk": "Шыңжаң университетімен өзара түсіністік туралы меморандум",
            "title_zh_hans": "与新疆大学的合作谅解备忘录",
            "status": Agreement.Status.ACTIVE,
            "signed_on": date(2025, 10, 31),
            "valid_from": date(2025, 10, 31),
            "valid_until": date(2030, 10, 30),
            "home_unit": home_office,
            "coordinator": coordinator,
            "home_signatory": "E. Imangaliyev, Vice-Rector for Academic Affairs",
            "partner_signatory": "Jin Gang, Vice-Rector",
        },
    )
    mou.partners.add(xju)
    mou.partner_units.add(cultural, cooperation)
    years = {"academic_year_from": "2026/2027", "academic_year_to": "2029/2030"}
    languages = IscedField.objects.filter(code="0231").first()
    engineering = IscedField.objects.filter(code="0711").first()
    for direction in ("out", "in"):
        sending, receiving = (None, xju) if direction == "out" else (xju, None)
        for mobility_type, places, months, days in (
            (CooperationCondition.MobilityType.STUDENT_STUDIES, 5, 10, None),
            (CooperationCondition.MobilityType.STAFF_TEACHING, 2, None, 10),
        ):
            condition, _created = CooperationCondition.objects.update_or_create(
                agreement=mou,
                sending_partner=sending,
                receiving_partner=receiving,
                mobility_type=mobility_type,
                defaults={
                    **years,
                    "places_per_year": places,
                    "total_months_per_year": months,
                    "total_days_per_year": days,
                    "eqf_levels": [6, 7],
                    "language": "zh" if direction == "out" else "ru",
                    "cefr_level": "B1",
                },
            )
            condition.fields_of_education.set([field for field in (languages, engineering) if field])

    programs = [
        (
            "Chinese and Kazakh language training",
            "Обучение китайскому и казахскому языкам",
            "Қытай және қазақ тілдерін оқыту",
            "汉语与哈萨克语语言培训",
            JointProgram.Kind.LANGUAGE_TRAINING,
            JointProgram.Level.NON_DEGREE,
            "0231",
            "language-training-xju",
        ),
        (
            "Joint engineering program",
            "Совместная инженерная программа",
            "Бірлескен инженерлік бағдарлама",
            "工程联合培养项目",
            JointProgram.Kind.DOUBLE_DEGREE,
            JointProgram.Level.MASTER,
            "0711",
            "engineering-xju",
        ),
        (
            "Joint IT program",
            "Совместная программа по ИТ",
            "АТ бойынша бірлескен бағдарлама",
            "信息技术联合培养项目",
            JointProgram.Kind.DOUBLE_DEGREE,
            JointProgram.Level.BACHELOR,
            "0613",
            "it-xju",
        ),
    ]
    for en, ru, kk, zh, kind, level, field_code, slug in programs:
        program, _created = JointProgram.objects.update_or_create(
            slug=slug,
            defaults={
                "title_en": en,
                "title_ru": ru,
                "title_kk": kk,
                "title_zh_hans": zh,
                "kind": kind,
                "level": level,
                "field": IscedField.objects.filter(code=field_code).first(),
                "status": JointProgram.Status.PROPOSED,
                "agreement": mou,
                "home_coordinator": coordinator,
                "is_public": True,
            },
        )
        program.partners.set([xju])
    return xju
