"""Demo data of the partnerships app: the home university (M. Auezov South Kazakhstan University)."""

import json
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from config.models import HomeInstitution
from config.services import describe_factsheet, describe_home_institution

from .models import (
    Agreement,
    Contact,
    CooperationCondition,
    IscedField,
    JointProgram,
    Partner,
    PartnerDomain,
    ResearchProject,
    Unit,
)
from .services import (
    add_campus,
    add_contact,
    add_cooperation_condition,
    add_partner,
    add_partner_domain,
    add_unit,
    change_agreement_status,
    create_program,
    create_research_project,
    describe_partner,
    draft_agreement,
    import_universities,
    link_agreement_units,
    set_agreement_dates,
)


def seed(*, by=None) -> HomeInstitution:
    home = describe_home_institution(
        by=by,
        values={
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
            "hei_id": "auezov.edu.kz",
        },
    )
    seed_home_units(by=by)
    seed_factsheet(by=by)
    return home


def _pages(path):
    """A page of the university's site in each language (its address has the language first)."""
    languages = {"en": "en", "ru": "ru", "kk": "kk", "zh_hans": "zh"}
    return {suffix: f"https://auezov.edu.kz/{code}/{path}" for suffix, code in languages.items()}


def seed_factsheet(*, by=None):
    """What partners' students need before coming: deadlines, contacts and the pages on housing, visa, insurance."""
    office = {"email": "international@auezov.edu.kz", "phone": "+77252210141"}
    values = {
        "nominations_autumn": "05-15",
        "nominations_spring": "11-15",
        "applications_autumn": "06-15",
        "applications_spring": "12-15",
        "decision_weeks": 4,
        "transcript_weeks": 5,
        **_names(
            "requirements",
            (
                "Language: Russian or Kazakh B1, or English B2 for courses taught in English\n"
                "Documents: passport copy, transcript of records, motivation letter",
                "Язык: русский или казахский на уровне B1 либо английский B2 для курсов на английском языке\n"
                "Документы: копия паспорта, выписка оценок, мотивационное письмо",
                "Тіл: орыс немесе қазақ тілі B1 деңгейінде, ағылшын тіліндегі курстар үшін ағылшын тілі B2\n"
                "Құжаттар: төлқұжат көшірмесі, бағалар үзіндісі, уәждеме хат",
                "语言：俄语或哈萨克语B1，英语授课课程需英语B2\n材料：护照复印件、成绩单、动机信",
            ),
        ),
    }
    for topic, path in (
        ("application", "international/exchange-students"),
        ("housing", "international/housing"),
        ("visa", "international/visa"),
        ("insurance", "international/insurance"),
    ):
        pages = {f"{topic}_url_{suffix}": url for suffix, url in _pages(path).items()}
        values = {**values, f"{topic}_email": office["email"], f"{topic}_phone": office["phone"], **pages}
    return describe_factsheet(by=by, values=values)


HOME_OFFICE = "International Cooperation Office"

# The home university's own side: campuses, and faculties with their departments (English, Russian, Kazakh, Chinese).
HOME_CAMPUSES = [
    ("Main campus", "Главный корпус", "Бас ғимарат", "主校区", "5 Tauke Khan Avenue"),
    (
        "Campus on Baitursynov Street",
        "Корпус на улице Байтурсынова",
        "Байтұрсынов көшесіндегі ғимарат",
        "拜图尔瑟诺夫街校区",
        "",
    ),
]
HOME_FACULTIES = [
    (
        (
            "Faculty of Information Technology",
            "Факультет информационных технологий",
            "Ақпараттық технологиялар факультеті",
            "信息技术学院",
        ),
        [
            (
                "Department of Information Systems",
                "Кафедра информационных систем",
                "Ақпараттық жүйелер кафедрасы",
                "信息系统系",
            ),
            (
                "Department of Computer Science",
                "Кафедра вычислительной техники и программного обеспечения",
                "Есептеуіш техника және бағдарламалық қамтамасыз ету кафедрасы",
                "计算机科学系",
            ),
        ],
    ),
    (
        ("Faculty of Engineering", "Инженерный факультет", "Инженерия факультеті", "工程学院"),
        [
            ("Department of Mining", "Кафедра горного дела", "Тау-кен ісі кафедрасы", "采矿系"),
            (
                "Department of Geology and Exploration",
                "Кафедра геологии и разведки",
                "Геология және барлау кафедрасы",
                "地质与勘探系",
            ),
            (
                "Department of Chemical Engineering",
                "Кафедра химической технологии",
                "Химиялық технология кафедрасы",
                "化学工程系",
            ),
        ],
    ),
    (
        ("Faculty of Philology", "Филологический факультет", "Филология факультеті", "语言文学学院"),
        [
            ("Department of Oriental Languages", "Кафедра восточных языков", "Шығыс тілдері кафедрасы", "东方语言系"),
            (
                "Department of Kazakh Language and Literature",
                "Кафедра казахского языка и литературы",
                "Қазақ тілі және әдебиеті кафедрасы",
                "哈萨克语言文学系",
            ),
        ],
    ),
]

# The codes by which Erasmus Without Paper exports name our units.
HOME_UNIT_CODES = {
    "Faculty of Information Technology": "FIT",
    "Department of Information Systems": "FIT-IS",
    "Department of Computer Science": "FIT-CS",
    "Faculty of Engineering": "ENG",
    "Department of Mining": "ENG-MIN",
    "Department of Geology and Exploration": "ENG-GEO",
    "Department of Chemical Engineering": "ENG-CHEM",
    "Faculty of Philology": "PHIL",
    "Department of Oriental Languages": "PHIL-OL",
    "Department of Kazakh Language and Literature": "PHIL-KAZ",
    HOME_OFFICE: "ICO",
}


def _names(field, names):
    return dict(zip((f"{field}_en", f"{field}_ru", f"{field}_kk", f"{field}_zh_hans"), names, strict=True))


def seed_home_units(*, by=None):
    """The home side drawn whole: two campuses, faculties with their departments, the international office."""
    campuses = []
    for *names, address in HOME_CAMPUSES:
        campus = add_campus(
            None, name_en=names[0], values={**_names("name", names), "address": address, "city": "Shymkent"}, by=by
        )
        campuses.append(campus)
    for names, departments in HOME_FACULTIES:
        faculty = add_unit(
            None,
            name_en=names[0],
            values={
                **_names("name", names),
                "kind": Unit.Kind.FACULTY,
                "campus": campuses[0],
                "parent": None,
                "code": HOME_UNIT_CODES[names[0]],
            },
            by=by,
        )
        for department in departments:
            add_unit(
                None,
                name_en=department[0],
                values={
                    **_names("name", department),
                    "kind": Unit.Kind.DEPARTMENT,
                    "parent": faculty,
                    "code": HOME_UNIT_CODES[department[0]],
                },
                by=by,
            )
    add_unit(
        None,
        name_en=HOME_OFFICE,
        by=by,
        values={
            **_names(
                "name",
                (
                    HOME_OFFICE,
                    "Отдел международного сотрудничества",
                    "Халықаралық ынтымақтастық бөлімі",
                    "国际合作与交流处",
                ),
            ),
            "kind": Unit.Kind.OFFICE,
            "campus": campuses[0],
            "code": HOME_UNIT_CODES[HOME_OFFICE],
        },
    )


def seed_xinjiang(*, coordinator):
    """Xinjiang University (Urumqi): campuses, units, contacts, the memorandum, its conditions and programs."""
    xju = add_partner(
        slug="xinjiang-university",
        by=coordinator,
        values={
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
            "hei_id": "xju.edu.cn",
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
    add_partner_domain(xju, domain="xju.edu.cn", by=coordinator)  # its search text now knows the domain
    honghu = add_campus(
        xju,
        name_en="Honghu (Red Lake) campus",
        values={"name_ru": "Кампус Хунху", "name_kk": "Хунху кампусы", "name_zh_hans": "红湖校区"},
        by=coordinator,
    )
    boda = add_campus(
        xju,
        name_en="Boda campus",
        values={"name_ru": "Кампус Бода", "name_kk": "Бода кампусы", "name_zh_hans": "博达校区"},
        by=coordinator,
    )

    def unit(name_en, name_ru, name_kk, name_zh, kind, *, partner=xju, parent=None, campus=None):
        return add_unit(
            partner,
            name_en=name_en,
            by=coordinator,
            values={
                "name_ru": name_ru,
                "name_kk": name_kk,
                "name_zh_hans": name_zh,
                "kind": kind,
                "parent": parent,
                "campus": campus,
            },
        )

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

    home_office = Unit.objects.get(partner=None, name_en=HOME_OFFICE)

    def contact(name, latin, position_en, position_ru, position_kk, position_zh, *, unit=None, primary=False):
        add_contact(
            xju,
            name=name,
            by=coordinator,
            values={
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

    mou = draft_agreement(
        reference_number="MoU-XJU-2025",
        partners=[xju],
        by=coordinator,
        values={
            "kind": Agreement.Kind.MOU,
            "title_en": "Memorandum of understanding with Xinjiang University",
            "title_ru": "Меморандум о взаимопонимании с Синьцзянским университетом",
            "title_kk": "Шыңжаң университетімен өзара түсіністік туралы меморандум",
            "title_zh_hans": "与新疆大学的合作谅解备忘录",
            "valid_from": date(2025, 10, 31),
            "valid_until": date(2030, 10, 30),
            "home_unit": home_office,
            "coordinator": coordinator,
            "home_signatory": "E. Imangaliyev, Vice-Rector for Academic Affairs",
            "partner_signatory": "Jin Gang, Vice-Rector",
            "partner_signing_contact": Contact.objects.get(partner=xju, name="金刚"),
        },
    )
    if mou.status == Agreement.Status.DRAFT:
        change_agreement_status(mou, to=Agreement.Status.NEGOTIATION, by=coordinator)
        change_agreement_status(mou, to=Agreement.Status.AWAITING_SIGNATURE, by=coordinator)
        mou = change_agreement_status(
            mou, to=Agreement.Status.ACTIVE, by=coordinator, signed_on=date(2025, 10, 31), comment="Urumqi"
        )
    link_agreement_units(mou, units={*mou.partner_units.all(), cultural, cooperation}, by=coordinator)
    years = {"academic_year_from": "2026/2027", "academic_year_to": "2029/2030"}
    languages = IscedField.objects.filter(code="0231").first()
    engineering = IscedField.objects.filter(code="0711").first()
    for direction in ("out", "in"):
        sending, receiving = (None, xju) if direction == "out" else (xju, None)
        for mobility_type, places, months, days in (
            (CooperationCondition.MobilityType.STUDENT_STUDIES, 5, 10, None),
            (CooperationCondition.MobilityType.STAFF_TEACHING, 2, None, 10),
        ):
            add_cooperation_condition(
                mou,
                sending=sending,
                receiving=receiving,
                mobility_type=mobility_type,
                fields=[field for field in (languages, engineering) if field],
                by=coordinator,
                values={
                    **years,
                    "places_per_year": places,
                    "total_months_per_year": months,
                    "total_days_per_year": days,
                    "eqf_levels": [6, 7],
                    "language": "zh" if direction == "out" else "ru",
                    "cefr_level": "B1",
                },
            )

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
    details = {
        "language-training-xju": {
            "status": JointProgram.Status.RUNNING,
            "languages": "Chinese, Kazakh, Russian",
            "duration_months": 10,
            "first_intake": date(2026, 9, 1),
            **_names(
                "description",
                (
                    "A year of Chinese for our students in Urumqi and of Kazakh for students of Xinjiang University "
                    "in Shymkent, taught by the Institute of International Cultural Exchange and our Faculty of "
                    "Philology.",
                    "Год китайского языка для наших студентов в Урумчи и казахского языка для студентов Синьцзянского "
                    "университета в Шымкенте; ведут Институт международного культурного обмена и наш филологический "
                    "факультет.",
                    "Біздің студенттерге Үрімшіде қытай тілін, Шыңжаң университетінің студенттеріне Шымкентте қазақ "
                    "тілін бір жыл оқыту; Халықаралық мәдени алмасу институты мен біздің филология факультеті "
                    "жүргізеді.",
                    "我校学生在乌鲁木齐学习一年汉语，新疆大学学生在奇姆肯特学习一年哈萨克语，由国际文化交流学院和我校"
                    "语言文学学院共同授课。",
                ),
            ),
        },
        "engineering-xju": {
            "status": JointProgram.Status.IN_DEVELOPMENT,
            "languages": "Chinese, Russian, English",
            "duration_months": 24,
            "first_intake": date(2027, 9, 1),
            **_names(
                "description",
                (
                    "A two-year master's program in engineering with a year at the Top Engineer College and "
                    "its Engineering Training Centre on the Boda campus; graduates receive the degrees of both "
                    "universities.",
                    "Двухлетняя магистерская программа по инженерии с годом обучения в Институте «Выдающийся "
                    "инженер» и его Центре инженерной подготовки в кампусе Бода; выпускники получают дипломы обоих "
                    "университетов.",
                    "Екі жылдық инженерия магистратурасы: бір жыл Бода кампусындағы «Үздік инженер» институты мен "
                    "оның Инженерлік даярлау орталығында оқу; түлектер екі университеттің дипломын алады.",
                    "为期两年的工程硕士项目，其中一年在博达校区卓越工程师学院及其工程训练中心学习，毕业生获得两校学位。",
                ),
            ),
        },
        "it-xju": {
            "status": JointProgram.Status.PROPOSED,
            "languages": "Russian, Chinese",
            "duration_months": 48,
            "first_intake": date(2027, 9, 1),
            **_names(
                "description",
                (
                    "A four-year bachelor's program in information technology: two years in Shymkent, two in Urumqi.",
                    "Четырёхлетняя программа бакалавриата по информационным технологиям: два года в Шымкенте, два "
                    "года в Урумчи.",
                    "Ақпараттық технологиялар бойынша төрт жылдық бакалавриат бағдарламасы: екі жыл Шымкентте, екі "
                    "жыл Үрімшіде.",
                    "四年制信息技术本科项目：两年在奇姆肯特学习，两年在乌鲁木齐学习。",
                ),
            ),
        },
    }
    partner_coordinator = Contact.objects.filter(partner=xju, is_primary=True).first()
    for en, ru, kk, zh, kind, level, field_code, slug in programs:
        create_program(
            slug=slug,
            partners=[xju],
            by=coordinator,
            values={
                "title_en": en,
                "title_ru": ru,
                "title_kk": kk,
                "title_zh_hans": zh,
                "kind": kind,
                "level": level,
                "field": IscedField.objects.filter(code=field_code).first(),
                "agreement": mou,
                "home_coordinator": coordinator,
                "partner_coordinator": partner_coordinator,
                "is_public": True,
                **details[slug],
            },
        )
    _joint_research(xju, by=coordinator)
    return xju


def _joint_research(xju, *, by):
    """The joint research the sides agreed on in Urumqi, as research projects."""
    projects = [
        (
            "GEO-TS",
            (
                "Geology and mineral resources of the Tian Shan",
                "Геология и минеральные ресурсы Тянь-Шаня",
                "Тянь-Шаньның геологиясы мен минералдық ресурстары",
                "天山地质与矿产资源研究",
            ),
            (
                "Field studies and joint publications of our Faculty of Engineering and the School of Geology and "
                "Mining Engineering.",
                "Полевые исследования и совместные публикации нашего инженерного факультета и Института геологии и "
                "горного дела.",
                "Біздің инженерия факультеті мен Геология және тау-кен ісі институтының далалық зерттеулері мен "
                "бірлескен жарияланымдары.",
                "我校工程学院与地质与矿业工程学院的野外考察与联合发表成果。",
            ),
            ResearchProject.Status.RUNNING,
            date(2026, 3, 1),
            date(2028, 12, 31),
        ),
        (
            "ICLE",
            (
                "International Chinese language education in Central Asia",
                "Международное обучение китайскому языку в Центральной Азии",
                "Орталық Азиядағы қытай тілін халықаралық оқыту",
                "中亚国际中文教育研究",
            ),
            (
                "Research that grew out of the seminar opened in Urumqi on 31 October 2025.",
                "Исследование, выросшее из семинара, открытого в Урумчи 31 октября 2025 года.",
                "2025 жылғы 31 қазанда Үрімшіде ашылған семинардан туған зерттеу.",
                "源于2025年10月31日在乌鲁木齐开幕的研讨会的研究项目。",
            ),
            ResearchProject.Status.PLANNED,
            date(2026, 9, 1),
            date(2027, 12, 31),
        ),
    ]
    for acronym, titles, summaries, status, starts_on, ends_on in projects:
        create_research_project(
            acronym=acronym,
            partners=[xju],
            by=by,
            values={
                **_names("title", titles),
                **_names("summary", summaries),
                "status": status,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "is_public": True,
            },
        )


# The directory's partners, as world-universities records (name, domain, website and country are facts), with
# their names in every language, city, and the agreement each has with us: kind, status, and when it ends
# (days from the day the demo runs; None when open-ended or not yet signed).
DIRECTORY = [
    {
        "record": ("Shihezi University", "shzu.edu.cn", "http://www.shzu.edu.cn/", "CN"),
        "names": ("Shihezi University", "Шихэцзыский университет", "Шихэцзы университеті", "石河子大学"),
        "cities": ("Shihezi", "Шихэцзы", "Шихэцзы", "石河子"),
        "agreement": (Agreement.Kind.STUDENT_EXCHANGE, Agreement.Status.ACTIVE, 60),
    },
    {
        "record": ("Lanzhou University", "lzu.edu.cn", "http://www.lzu.edu.cn/", "CN"),
        "names": ("Lanzhou University", "Ланьчжоуский университет", "Ланьчжоу университеті", "兰州大学"),
        "cities": ("Lanzhou", "Ланьчжоу", "Ланьчжоу", "兰州"),
        "agreement": (Agreement.Kind.RESEARCH, Agreement.Status.AWAITING_SIGNATURE, None),
    },
    {
        "record": ("Tomsk Polytechnic University", "tpu.ru", "http://www.tpu.ru/", "RU"),
        "names": (
            "Tomsk Polytechnic University",
            "Томский политехнический университет",
            "Томск политехникалық университеті",
            "托木斯克理工大学",
        ),
        "cities": ("Tomsk", "Томск", "Томск", "托木斯克"),
        "agreement": (Agreement.Kind.GENERAL, Agreement.Status.ACTIVE, 900),
    },
    {
        "record": ("Novosibirsk State University", "nsu.ru", "http://www.nsu.ru/", "RU"),
        "names": (
            "Novosibirsk State University",
            "Новосибирский государственный университет",
            "Новосібір мемлекеттік университеті",
            "新西伯利亚国立大学",
        ),
        "cities": ("Novosibirsk", "Новосибирск", "Новосібір", "新西伯利亚"),
        "agreement": (Agreement.Kind.DOUBLE_DEGREE, Agreement.Status.NEGOTIATION, None),
    },
    {
        "record": ("Middle East Technical University", "metu.edu.tr", "http://www.metu.edu.tr/", "TR"),
        "names": (
            "Middle East Technical University",
            "Ближневосточный технический университет",
            "Таяу Шығыс техникалық университеті",
            "中东技术大学",
        ),
        "cities": ("Ankara", "Анкара", "Анкара", "安卡拉"),
        "agreement": (Agreement.Kind.STAFF_EXCHANGE, Agreement.Status.ACTIVE, 75),
        # Three guest teachers a year were promised; one comes (mobility/demo.py): under-used before renewal.
        "conditions": [(CooperationCondition.MobilityType.STAFF_TEACHING, "in", 3)],
    },
    {
        "record": ("Istanbul Technical University", "itu.edu.tr", "http://www.itu.edu.tr/", "TR"),
        "names": (
            "Istanbul Technical University",
            "Стамбульский технический университет",
            "Ыстамбұл техникалық университеті",
            "伊斯坦布尔技术大学",
        ),
        "cities": ("Istanbul", "Стамбул", "Ыстамбұл", "伊斯坦布尔"),
        "agreement": (Agreement.Kind.INTERNSHIP, Agreement.Status.DRAFT, None),
    },
    {
        "record": ("Seoul National University", "snu.ac.kr", "http://www.snu.ac.kr/", "KR"),
        "names": (
            "Seoul National University",
            "Сеульский национальный университет",
            "Сеул ұлттық университеті",
            "首尔大学",
        ),
        "cities": ("Seoul", "Сеул", "Сеул", "首尔"),
        "agreement": (Agreement.Kind.STUDENT_EXCHANGE, Agreement.Status.EXPIRED, -120),
    },
    {
        "record": ("Technische Universität München", "tum.de", "http://www.tum.de/", "DE"),
        "names": (
            "Technical University of Munich",
            "Мюнхенский технический университет",
            "Мюнхен техникалық университеті",
            "慕尼黑工业大学",
        ),
        "cities": ("Munich", "Мюнхен", "Мюнхен", "慕尼黑"),
        "agreement": (Agreement.Kind.RESEARCH, Agreement.Status.TERMINATED, 400),
    },
    {
        "record": ("National University of Uzbekistan", "nuu.uz", "http://www.nuu.uz/", "UZ"),
        "names": (
            "National University of Uzbekistan",
            "Национальный университет Узбекистана",
            "Өзбекстан ұлттық университеті",
            "乌兹别克斯坦国立大学",
        ),
        "cities": ("Tashkent", "Ташкент", "Ташкент", "塔什干"),
        "agreement": (Agreement.Kind.MOU, Agreement.Status.ACTIVE, None),
    },
    {
        "record": ("Tashkent University of Information Technologies", "tuit.uz", "http://www.tuit.uz/", "UZ"),
        "names": (
            "Tashkent University of Information Technologies",
            "Ташкентский университет информационных технологий",
            "Ташкент ақпараттық технологиялар университеті",
            "塔什干信息技术大学",
        ),
        "cities": ("Tashkent", "Ташкент", "Ташкент", "塔什干"),
        "agreement": (Agreement.Kind.DOUBLE_DEGREE, Agreement.Status.ACTIVE, 1500),
    },
]

AGREEMENT_TITLES = {
    # kind: English, Russian, Kazakh and Chinese title, each with the partner's name in that language
    Agreement.Kind.MOU: (
        "Memorandum of understanding with {}",
        "Меморандум о взаимопонимании: {}",
        "Өзара түсіністік туралы меморандум: {}",
        "与{}的合作谅解备忘录",
    ),
    Agreement.Kind.GENERAL: (
        "General cooperation agreement with {}",
        "Генеральное соглашение о сотрудничестве: {}",
        "Ынтымақтастық туралы бас келісім: {}",
        "与{}的全面合作协议",
    ),
    Agreement.Kind.STUDENT_EXCHANGE: (
        "Student exchange agreement with {}",
        "Соглашение об обмене студентами: {}",
        "Студенттер алмасу туралы келісім: {}",
        "与{}的学生交流协议",
    ),
    Agreement.Kind.STAFF_EXCHANGE: (
        "Staff exchange agreement with {}",
        "Соглашение об обмене сотрудниками: {}",
        "Қызметкерлер алмасу туралы келісім: {}",
        "与{}的教职员工交流协议",
    ),
    Agreement.Kind.DOUBLE_DEGREE: (
        "Double degree agreement with {}",
        "Соглашение о двойном дипломе: {}",
        "Қос диплом туралы келісім: {}",
        "与{}的双学位协议",
    ),
    Agreement.Kind.RESEARCH: (
        "Research cooperation agreement with {}",
        "Соглашение о научном сотрудничестве: {}",
        "Ғылыми ынтымақтастық туралы келісім: {}",
        "与{}的科研合作协议",
    ),
    Agreement.Kind.INTERNSHIP: (
        "Internship agreement with {}",
        "Соглашение о стажировках: {}",
        "Тағылымдамалар туралы келісім: {}",
        "与{}的实习协议",
    ),
}


def _directory_records(universities_file) -> list[dict]:
    """The records of the directory's partners: from the world-universities file when one is given, else our own."""
    ours = [
        {"name": name, "domains": [domain], "web_pages": [website], "alpha_two_code": code}
        for name, domain, website, code in (entry["record"] for entry in DIRECTORY)
    ]
    path = Path(universities_file) if universities_file else None
    if path is None or not path.is_file():
        return ours
    wanted = {record["domains"][0] for record in ours}
    found = [
        record
        for record in json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record, dict) and wanted & set(record.get("domains") or [])
    ]
    missing = wanted - {domain for record in found for domain in record["domains"]}
    return found + [record for record in ours if record["domains"][0] in missing]


def seed_directory(*, coordinator, today: date | None = None, universities_file=None) -> list[Partner]:
    """Partners in six countries, imported through the import service and described, each with an agreement.

    Agreements move with `today`: the ones ending within 90 days always end within 90 days of the run.
    """
    today = today or timezone.localdate()
    universities_file = universities_file or settings.DEMO_UNIVERSITIES_FILE
    import_universities(_directory_records(universities_file), by=coordinator)
    home_office = Unit.objects.get(partner=None, name_en=HOME_OFFICE)
    partners = []
    for number, entry in enumerate(DIRECTORY, start=1):
        partner = PartnerDomain.objects.select_related("partner").get(domain=entry["record"][1]).partner
        partner = describe_partner(
            partner,
            by=coordinator,
            values={
                **_names("name", entry["names"]),
                **_names("city", entry["cities"]),
                "status": Partner.Status.ACTIVE
                if entry["agreement"][1] == Agreement.Status.ACTIVE
                else Partner.Status.PROSPECTIVE,
                "is_public": True,
            },
        )
        partners.append(partner)
        kind, status, ends_in = entry["agreement"]
        titles = {
            field: template.format(name)
            for field, template, name in zip(
                ("title_en", "title_ru", "title_kk", "title_zh_hans"),
                AGREEMENT_TITLES[kind],
                entry["names"],
                strict=True,
            )
        }
        signed = status in {Agreement.Status.ACTIVE, Agreement.Status.EXPIRED, Agreement.Status.TERMINATED}
        signed_on = today - timedelta(days=365 * 3 + 30 * number) if signed else None
        agreement = draft_agreement(
            reference_number=f"DEMO-{number:02d}-{partner.country}",
            partners=[partner],
            by=coordinator,
            values={**titles, "kind": kind, "home_unit": home_office, "coordinator": coordinator},
        )
        agreement = _move_agreement(
            agreement, status, signed_on=signed_on, ends_in=ends_in, today=today, by=coordinator
        )
        for mobility_type, direction, places in entry.get("conditions", ()):
            add_cooperation_condition(
                agreement,
                mobility_type=mobility_type,
                sending=partner if direction == "in" else None,
                receiving=None if direction == "in" else partner,
                by=coordinator,
                values={
                    "academic_year_from": _academic_year(agreement.valid_from),
                    "academic_year_to": _academic_year(agreement.valid_until),
                    "places_per_year": places,
                },
            )
    return partners


def _academic_year(day: date) -> str:
    """The academic year (1 September to 31 August) a day falls in, as "2026/2027"."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{first + 1}"


AGREEMENT_PATHS = {
    Agreement.Status.DRAFT: [],
    Agreement.Status.NEGOTIATION: [Agreement.Status.NEGOTIATION],
    Agreement.Status.AWAITING_SIGNATURE: [Agreement.Status.NEGOTIATION, Agreement.Status.AWAITING_SIGNATURE],
    Agreement.Status.ACTIVE: [Agreement.Status.AWAITING_SIGNATURE, Agreement.Status.ACTIVE],
    Agreement.Status.EXPIRED: [Agreement.Status.AWAITING_SIGNATURE, Agreement.Status.ACTIVE, Agreement.Status.EXPIRED],
    Agreement.Status.TERMINATED: [
        Agreement.Status.AWAITING_SIGNATURE,
        Agreement.Status.ACTIVE,
        Agreement.Status.TERMINATED,
    ],
}


def _move_agreement(agreement, status, *, signed_on, ends_in, today, by):
    """Take a new draft along the lifecycle to `status`; on a later run, move its end date with today. Returns it."""
    valid_until = today + timedelta(days=ends_in) if ends_in is not None else None
    if agreement.status == Agreement.Status.DRAFT and status != Agreement.Status.DRAFT:
        if signed_on:
            agreement = set_agreement_dates(agreement, valid_from=signed_on, valid_until=valid_until, by=by)
        for step in AGREEMENT_PATHS[status]:
            comment = "The partner asked to end the cooperation." if step == Agreement.Status.TERMINATED else ""
            agreement = change_agreement_status(agreement, to=step, by=by, signed_on=signed_on, comment=comment)
    elif agreement.status == Agreement.Status.ACTIVE and valid_until and agreement.valid_until != valid_until:
        agreement = set_agreement_dates(agreement, valid_until=valid_until, by=by)  # expiries move with today
    return agreement
