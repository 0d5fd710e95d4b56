"""Demo data of the visits app: the official visit to Xinjiang University, 29 October to 2 November 2025."""

import datetime
from zoneinfo import ZoneInfo

from partnerships.models import Contact, Partner, Unit

from .models import AgendaItem, DelegationMember, NewsArticle, Outcome, Visit
from .services import plan_follow_up_visit

# Official programmes in Urumqi keep Beijing time (the visit's time zone says so).
BEIJING_TIME = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime.datetime(2025, 10 if day > 2 else 11, day, hour, minute, tzinfo=BEIJING_TIME)


def seed(*, owner=None, call=None):
    xju = Partner.objects.get(slug="xinjiang-university")
    visit, _created = Visit.objects.update_or_create(
        title_en="Official visit to Xinjiang University",
        defaults={
            "title_ru": "Официальный визит в Синьцзянский университет",
            "title_kk": "Шыңжаң университетіне ресми сапар",
            "title_zh_hans": "正式访问新疆大学",
            "direction": Visit.Direction.OUTGOING,
            "city_en": "Urumqi",
            "city_ru": "Урумчи",
            "city_kk": "Үрімші",
            "city_zh_hans": "乌鲁木齐",
            "country": "CN",
            "precision": Visit.Precision.DAY,
            "starts_on": datetime.date(2025, 10, 29),
            "ends_on": datetime.date(2025, 11, 2),
            "status": Visit.Status.REPORTED,
            "time_zone": "Asia/Shanghai",
            "purpose_en": "Invited by the Institute of International Cultural Exchange and the Department of "
            "International Cooperation of Xinjiang University, to open a seminar and agree the next steps.",
        },
    )
    visit.partners.set([xju])
    visit.partner_units.set(
        Unit.objects.filter(
            partner=xju,
            name_en__in=[
                "Institute of International Cultural Exchange",
                "Department of International Cooperation and Exchanges",
            ],
        )
    )
    DelegationMember.objects.update_or_create(
        visit=visit,
        name="E. Imangaliyev",
        defaults={"role": DelegationMember.Role.HEAD, "position": "Vice-Rector for Academic Affairs"},
    )
    agenda = [
        (
            at(31, 10),
            AgendaItem.Kind.SEMINAR,
            "Opening of the seminar «Structure of International Chinese Language Education and International "
            "Cooperation in Academic Exchanges»",
            "Открытие семинара «Структура международного обучения китайскому "
            "языку и международное сотрудничество в академических обменах»",
            "«Қытай тілін халықаралық оқыту құрылымы және академиялық алмасудағы халықаралық ынтымақтастық» "
            "семинарының ашылуы",
            "“国际中文教育结构与学术交流中的国际合作”研讨会开幕",
            "Academic hall of the library, Honghu campus",
            "图书馆学术报告厅（红湖校区）",
        ),
        (
            at(31, 14),
            AgendaItem.Kind.MEETING,
            "Meeting with Vice-Rector Jin Gang",
            "Встреча с проректором Цзинь Ганом",
            "Проректор Цзинь Ганмен кездесу",
            "与金刚副校长会见",
            "Honghu campus",
            "红湖校区",
        ),
        (
            at(31, 16),
            AgendaItem.Kind.MEETING,
            "Meetings with the head of international cooperation and the deans",
            "Встречи с начальником отдела международного сотрудничества и деканами",
            "Халықаралық ынтымақтастық бөлімінің басшысымен және декандармен кездесулер",
            "与国际合作与交流处处长及各学院院长会谈",
            "Honghu campus",
            "红湖校区",
        ),
        (
            at(1, 10),
            AgendaItem.Kind.SITE_VISIT,
            "Visit to the Engineering Training Centre of the “Top Engineer” College",
            "Посещение Центра инженерной подготовки Института «Выдающийся инженер»",
            "«Үздік инженер» институтының Инженерлік даярлау орталығына бару",
            "参观卓越工程师学院工程训练中心",
            "Boda campus",
            "博达校区",
        ),
    ]
    for starts_at, kind, en, ru, kk, zh, place_en, place_zh in agenda:
        AgendaItem.objects.update_or_create(
            visit=visit,
            starts_at=starts_at,
            defaults={
                "kind": kind,
                "title_en": en,
                "title_ru": ru,
                "title_kk": kk,
                "title_zh_hans": zh,
                "place_en": place_en,
                "place_zh_hans": place_zh,
            },
        )
    meeting = AgendaItem.objects.get(visit=visit, starts_at=at(31, 14))
    meeting.met_contacts.set(Contact.objects.filter(partner=xju, latin_name="Jin Gang"))
    outcomes = [
        ("Launch student and staff mobility", datetime.date(2026, 9, 1)),
        ("Develop joint programs in language training, engineering and IT", datetime.date(2026, 6, 30)),
        ("Run joint research and internships for teaching staff", datetime.date(2026, 12, 31)),
        ("Arrange scientific practice for master's and doctoral students", datetime.date(2026, 12, 31)),
        ("The Chinese side plans a working delegation to Shymkent in 2026", datetime.date(2026, 12, 31)),
    ]
    for text, due_on in outcomes:
        Outcome.objects.update_or_create(visit=visit, description_en=text, defaults={"due_on": due_on, "owner": owner})
    # Only this outcome promises a visit (staff say so); the others are action items.
    Outcome.objects.filter(visit=visit, description_en__startswith="The Chinese side").update(
        kind=Outcome.Kind.INCOMING_VISIT, visit_year=2026
    )
    if call is not None:
        # The first call for students is what the agreed mobility produced.
        Outcome.objects.filter(visit=visit, description_en__startswith="Launch student").update(call=call)
    delegation = Outcome.objects.get(visit=visit, description_en__startswith="The Chinese side")
    if delegation.follow_up_visit is None and owner is not None:
        plan_follow_up_visit(delegation, by=owner)
    NewsArticle.objects.update_or_create(
        visit=visit,
        defaults={
            "slug": "official-visit-to-xinjiang-university",
            "title_en": "Vice-Rector E. Imangaliyev visits Xinjiang University",
            "title_ru": "Проректор Е. Имангалиев посетил Синьцзянский университет",
            "title_kk": "Проректор Е. Иманғалиев Шыңжаң университетінде болды",
            "summary_en": "Seminar on international Chinese language education, meetings and agreed next steps.",
            "summary_ru": "Семинар о международном обучении китайскому языку, встречи и договорённости о "
            "дальнейших шагах.",
            "summary_kk": "Қытай тілін халықаралық оқыту туралы семинар, кездесулер және келесі қадамдар жөніндегі "
            "уағдаластықтар.",
            "body_en": "<p>From 29 October to 2 November 2025 the Vice-Rector for Academic Affairs, E. Imangaliyev, "
            "made an official visit to Xinjiang University in Urumqi. On 31 October he opened the seminar "
            "«Structure of International Chinese Language Education and International Cooperation in Academic "
            "Exchanges» in the academic hall of the library on the Honghu campus and met Vice-Rector Jin Gang.</p>"
            "<p>The sides agreed to launch student and staff mobility, to develop joint programs in language "
            "training, engineering and IT, and to run joint research. The Chinese side plans a working delegation "
            "to Shymkent in 2026.</p>",
            "body_ru": "<p>С 29 октября по 2 ноября 2025 года проректор по академическим вопросам Е. Имангалиев "
            "находился с официальным визитом в Синьцзянском университете (Урумчи). 31 октября он открыл семинар "
            "в академическом зале библиотеки кампуса Хунху и встретился с проректором Цзинь Ганом.</p>"
            "<p>Стороны договорились начать академическую мобильность студентов и сотрудников, развивать "
            "совместные программы и научное сотрудничество. Китайская сторона планирует рабочий визит делегации в "
            "Шымкент в 2026 году.</p>",
            "body_kk": "<p>2025 жылғы 29 қазан – 2 қараша аралығында академиялық мәселелер жөніндегі проректор "
            "Е. Иманғалиев Шыңжаң университетінде (Үрімші) ресми сапарда болды. 31 қазанда ол Хунху кампусындағы "
            "кітапхананың академиялық залында семинарды ашып, проректор Цзинь Ганмен кездесті.</p>"
            "<p>Тараптар студенттер мен қызметкерлердің академиялық ұтқырлығын бастауға, бірлескен білім беру "
            "бағдарламалары мен ғылыми ынтымақтастықты дамытуға уағдаласты. Қытай тарапы 2026 жылы Шымкентке "
            "жұмыс делегациясын жіберуді жоспарлап отыр.</p>",
            "published_at": datetime.datetime(2025, 11, 3, 10, 0, tzinfo=BEIJING_TIME),
            "is_published": True,
        },
    )
    return visit
