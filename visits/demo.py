"""Demo data of the visits app: the official visit to Xinjiang University, 29 October to 2 November 2025.

The visit stays where it happened; what it set going moves with the day the demo runs (the 2026 delegation,
an action item now overdue, a working visit whose report is overdue). Statuses move through the services.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from partnerships.models import Agreement, Contact, JointProgram, Partner, PartnerDomain, ResearchProject, Unit

from .models import AgendaItem, DelegationMember, NewsArticle, Outcome, Visit
from .services import (
    add_agenda_item,
    add_delegation_member,
    change_visit_status,
    describe_visit,
    plan_follow_up_visit,
    propose_visit,
    publish_articles,
    record_outcome,
    write_article,
    write_report,
)

DAY = datetime.timedelta(days=1)
# The statuses a visit passes through to reach each one.
VISIT_PATHS = {
    Visit.Status.APPROVED: [Visit.Status.APPROVED],
    Visit.Status.COMPLETED: [
        Visit.Status.APPROVED,
        Visit.Status.CONFIRMED,
        Visit.Status.IN_PROGRESS,
        Visit.Status.COMPLETED,
    ],
    Visit.Status.REPORTED: [
        Visit.Status.APPROVED,
        Visit.Status.CONFIRMED,
        Visit.Status.IN_PROGRESS,
        Visit.Status.COMPLETED,
        Visit.Status.REPORTED,
    ],
}


def move_visit(visit, status, *, by):
    """Take a proposed visit along its lifecycle to `status`, each step recorded; a visit further on is left."""
    path = VISIT_PATHS[status]
    if visit.status == Visit.Status.PROPOSED:
        remaining = path
    elif visit.status in path:
        remaining = path[path.index(visit.status) + 1 :]
    else:
        remaining = []
    for step in remaining:
        visit = change_visit_status(visit, to=step, by=by)
    return visit


# Official programmes in Urumqi keep Beijing time (the visit's time zone says so).
BEIJING_TIME = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime.datetime(2025, 10 if day > 2 else 11, day, hour, minute, tzinfo=BEIJING_TIME)


def seed(*, owner=None, call=None, practice_call=None, today=None):
    """The Xinjiang visit whole (agenda, outcomes and what each produced, the article in four languages), the
    delegation it promised, and a working visit whose report is overdue.

    `call` and `practice_call` are the calls of the agreed mobility and of the agreed scientific practice.
    """
    today = today or timezone.localdate()
    xju = Partner.objects.get(slug="xinjiang-university")
    visit = _visit(
        owner,
        [xju],
        title_en="Official visit to Xinjiang University",
        values={
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
            "time_zone": "Asia/Shanghai",
            "purpose_en": "Invited by the Institute of International Cultural Exchange and the Department of "
            "International Cooperation of Xinjiang University, to open a seminar and agree the next steps.",
            "purpose_ru": "По приглашению Института международного культурного обмена и Отдела международного "
            "сотрудничества Синьцзянского университета: открыть семинар и согласовать дальнейшие шаги.",
            "purpose_kk": "Шыңжаң университетінің Халықаралық мәдени алмасу институты мен Халықаралық ынтымақтастық "
            "бөлімінің шақыруымен: семинарды ашу және келесі қадамдарды келісу.",
            "purpose_zh_hans": "应新疆大学国际文化交流学院和国际合作与交流处邀请，出席研讨会开幕式并商定下一步合作。",
        },
    )
    units = list(
        Unit.objects.filter(
            partner=xju,
            name_en__in=[
                "Institute of International Cultural Exchange",
                "Department of International Cooperation and Exchanges",
            ],
        )
    )
    if set(visit.partner_units.all()) != set(units):
        visit = describe_visit(visit, values={}, relations={"partner_units": units}, by=owner)
    add_delegation_member(
        visit,
        name="E. Imangaliyev",
        values={"role": DelegationMember.Role.HEAD, "position": "Vice-Rector for Academic Affairs"},
        by=owner,
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
        met = Contact.objects.filter(partner=xju, latin_name="Jin Gang") if starts_at == at(31, 14) else []
        add_agenda_item(
            visit,
            starts_at=starts_at,
            by=owner,
            relations={"met_contacts": met},
            values={
                "kind": kind,
                "title_en": en,
                "title_ru": ru,
                "title_kk": kk,
                "title_zh_hans": zh,
                "place_en": place_en,
                "place_zh_hans": place_zh,
            },
        )
    _outcomes(visit, owner=owner, calls=(call, practice_call), today=today)
    if owner is not None and visit.status == Visit.Status.PROPOSED:
        if not hasattr(visit, "report"):
            write_report(visit, values=_names("body", REPORT), by=owner)
        visit = move_visit(visit, Visit.Status.REPORTED, by=owner)
    article = write_article(
        visit,
        by=owner,
        values={
            "slug": "official-visit-to-xinjiang-university",
            **_names("title", ARTICLE["title"]),
            **_names("summary", ARTICLE["summary"]),
            **_names("body", ARTICLE["body"]),
            "published_at": datetime.datetime(2025, 11, 3, 10, 0, tzinfo=BEIJING_TIME),
        },
    )
    publish_articles(NewsArticle.objects.filter(pk=article.pk, is_published=False))
    if owner is not None:
        _working_visit(owner=owner, today=today)
    return visit


def _visit(owner, partners, *, title_en, values):
    """The visit of this English title: proposed through the service the first time, its facts refreshed after."""
    visit = Visit.objects.filter(title_en=title_en).first()
    if visit is None and owner is not None:
        return propose_visit(by=owner, partners=partners, values={"title_en": title_en, **values})
    return describe_visit(visit or Visit(title_en=title_en), values=values, relations={"partners": partners}, by=owner)


def _names(field, texts):
    return dict(zip((f"{field}_kk", f"{field}_ru", f"{field}_en", f"{field}_zh_hans"), texts, strict=False))


def _outcomes(visit, *, owner, calls, today):
    """What the sides agreed, each linked to what it produced; one item is overdue on any day the demo runs."""
    xju = visit.partners.first()
    mou = Agreement.objects.filter(partners=xju, kind=Agreement.Kind.MOU).first()
    outcomes = [
        # English text, status, due date, what it produced
        ("Sign a memorandum of understanding", Outcome.Status.DONE, datetime.date(2025, 10, 31), {"agreement": mou}),
        (
            "Launch student and staff mobility",
            Outcome.Status.IN_PROGRESS,
            datetime.date(2026, 9, 1),
            {"call": calls[0]} if calls[0] else {},
        ),
        (
            "Develop joint programs in language training, engineering and IT",
            Outcome.Status.IN_PROGRESS,
            datetime.date(2026, 6, 30),
            {"program": JointProgram.objects.filter(slug="engineering-xju").first()},
        ),
        (
            "Run joint research and internships for teaching staff",
            Outcome.Status.IN_PROGRESS,
            datetime.date(2026, 12, 31),
            {"project": ResearchProject.objects.filter(acronym="GEO-TS").first()},
        ),
        (
            "Arrange scientific practice for master's and doctoral students",
            Outcome.Status.OPEN,
            today - 7 * DAY,  # the overdue action item: it stays a week late, whatever the day
            {"call": calls[1]} if calls[1] else {},
        ),
        ("The Chinese side plans a working delegation to Shymkent in 2026", Outcome.Status.OPEN, None, {}),
    ]
    for text, status, due_on, produced in outcomes:
        kk, ru, zh = OUTCOME_TRANSLATIONS[text]
        outcome = visit.outcomes.filter(description_en=text).first()
        first = {
            "owner": owner,
            "status": status,
            "description_kk": kk,
            "description_ru": ru,
            "description_zh_hans": zh,
        }
        due_on = due_on or datetime.date(max(2026, today.year), 12, 31)
        changed = (
            {"due_on": due_on, **produced} if outcome is None or outcome.status == Outcome.Status.OPEN else produced
        )
        record_outcome(visit, description_en=text, values={**(first if outcome is None else {}), **changed}, by=owner)
    delegation = Outcome.objects.get(visit=visit, description_en__startswith="The Chinese side")
    if delegation.follow_up_visit is None:
        # Only this outcome promises a visit (staff say so); the others are action items.
        values = {"kind": Outcome.Kind.INCOMING_VISIT, "visit_year": max(2026, today.year)}
        delegation = record_outcome(visit, description_en=delegation.description_en, values=values, by=owner)
    if owner is None:
        return
    incoming = plan_follow_up_visit(delegation, by=owner)
    if incoming.status in {Visit.Status.PROPOSED, Visit.Status.APPROVED}:
        # The delegation moves with today: always six weeks ahead, dates agreed, approved.
        dates = {"precision": Visit.Precision.DAY, "starts_on": today + 42 * DAY, "ends_on": today + 46 * DAY}
        incoming = describe_visit(incoming, values=dates, by=owner)
        move_visit(incoming, Visit.Status.APPROVED, by=owner)


OUTCOME_TRANSLATIONS = {
    "Sign a memorandum of understanding": (
        "Өзара түсіністік туралы меморандумға қол қою",
        "Подписать меморандум о взаимопонимании",
        "签署合作谅解备忘录",
    ),
    "Launch student and staff mobility": (
        "Студенттер мен қызметкерлердің академиялық ұтқырлығын бастау",
        "Начать академическую мобильность студентов и сотрудников",
        "启动学生和教职员工交流",
    ),
    "Develop joint programs in language training, engineering and IT": (
        "Тілдік даярлық, инженерия және АТ бойынша бірлескен бағдарламалар әзірлеу",
        "Разработать совместные программы по языковой подготовке, инженерии и ИТ",
        "共同开发语言培训、工程和信息技术领域的联合培养项目",
    ),
    "Run joint research and internships for teaching staff": (
        "Бірлескен ғылыми зерттеулер мен оқытушылардың тағылымдамаларын өткізу",
        "Проводить совместные исследования и стажировки преподавателей",
        "开展联合科研和教师进修",
    ),
    "Arrange scientific practice for master's and doctoral students": (
        "Магистранттар мен докторанттардың ғылыми тағылымдамасын ұйымдастыру",
        "Организовать научные стажировки магистрантов и докторантов",
        "为硕士和博士研究生安排科研实践",
    ),
    "The Chinese side plans a working delegation to Shymkent in 2026": (
        "Қытай тарапы 2026 жылы Шымкентке жұмыс делегациясын жіберуді жоспарлап отыр",
        "Китайская сторона планирует рабочий визит делегации в Шымкент в 2026 году",
        "中方计划于2026年派工作代表团访问奇姆肯特",
    ),
}


def _working_visit(*, owner, today):
    """A working visit to Tomsk that ended three weeks ago: its trip report is overdue, and its short article
    exists in English and Russian only, so the other languages show the fallback notice."""
    tomsk = PartnerDomain.objects.select_related("partner").get(domain="tpu.ru").partner
    visit = _visit(
        owner,
        [tomsk],
        title_en="Working visit to Tomsk Polytechnic University",
        values={
            **_names(
                "title",
                (
                    "Томск политехникалық университетіне жұмыс сапары",
                    "Рабочий визит в Томский политехнический университет",
                    "Working visit to Tomsk Polytechnic University",
                    "工作访问托木斯克理工大学",
                ),
            ),
            "direction": Visit.Direction.OUTGOING,
            **_names("city", ("Томск", "Томск", "Tomsk", "托木斯克")),
            "country": "RU",
            "precision": Visit.Precision.DAY,
            "starts_on": today - 25 * DAY,
            "ends_on": today - 21 * DAY,  # the report was due a week ago
            "purpose_en": "Agree the research stays of doctoral students in mining engineering.",
        },
    )
    add_delegation_member(
        visit,
        name="A. Seitova",
        values={
            "role": DelegationMember.Role.HEAD,
            "position": "Head of the International Cooperation Office",
            "user": owner,
        },
        by=owner,
    )
    if visit.status == Visit.Status.PROPOSED:
        move_visit(visit, Visit.Status.COMPLETED, by=owner)
    article = write_article(
        visit,
        by=owner,
        values={
            "slug": "working-visit-to-tomsk-polytechnic-university",
            "title_en": "Research stays in Tomsk agreed",
            "title_ru": "В Томске согласованы научные стажировки",
            "summary_en": "Doctoral students in mining engineering will spend two months in Tomsk.",
            "summary_ru": "Докторанты по горному делу проведут два месяца в Томске.",
            "body_en": "<p>Our delegation agreed with Tomsk Polytechnic University the research stays of doctoral "
            "students in mining engineering.</p>",
            "body_ru": "<p>Наша делегация согласовала с Томским политехническим университетом научные стажировки "
            "докторантов по горному делу.</p>",
            "published_at": timezone.now() - 20 * DAY,
        },
    )
    publish_articles(NewsArticle.objects.filter(pk=article.pk, is_published=False))
    return visit


REPORT = (
    "<p>Сапар бағдарламасы толық орындалды: семинар ашылды, проректор Цзинь Ганмен және декандармен кездесулер "
    "өтті, өзара түсіністік туралы меморандумға қол қойылды.</p>",
    "<p>Программа визита выполнена полностью: открыт семинар, проведены встречи с проректором Цзинь Ганом и "
    "деканами, подписан меморандум о взаимопонимании.</p>",
    "<p>The programme was carried out in full: the seminar opened, meetings with Vice-Rector Jin Gang and the deans "
    "took place, and the memorandum of understanding was signed.</p>",
    "<p>访问日程全部完成：研讨会开幕，与金刚副校长及各学院院长进行了会谈，并签署了合作谅解备忘录。</p>",
)

# The article of the visit, in Kazakh, Russian, English and Chinese.
ARTICLE = {
    "title": (
        "Проректор Е. Иманғалиев Шыңжаң университетінде болды",
        "Проректор Е. Имангалиев посетил Синьцзянский университет",
        "Vice-Rector E. Imangaliyev visits Xinjiang University",
        "伊曼加利耶夫副校长访问新疆大学",
    ),
    "summary": (
        "Қытай тілін халықаралық оқыту туралы семинар, кездесулер, меморандум және келесі қадамдар жөніндегі "
        "уағдаластықтар.",
        "Семинар о международном обучении китайскому языку, встречи, меморандум и договорённости о дальнейших шагах.",
        "Seminar on international Chinese language education, meetings, a memorandum and agreed next steps.",
        "国际中文教育研讨会、会谈、合作谅解备忘录及后续合作共识。",
    ),
    "body": (
        "<p>2025 жылғы 29 қазан – 2 қараша аралығында академиялық мәселелер жөніндегі проректор Е. Иманғалиев "
        "Шыңжаң университетінің Халықаралық мәдени алмасу институты мен Халықаралық ынтымақтастық және алмасу "
        "бөлімінің шақыруымен Үрімшіде ресми сапарда болды.</p>"
        "<p>31 қазанда ол Хунху кампусындағы кітапхананың академиялық залында «Қытай тілін халықаралық оқыту "
        "құрылымы және академиялық алмасудағы халықаралық ынтымақтастық» семинарын ашты. Сол күні проректор "
        "Цзинь Ганмен, содан кейін халықаралық ынтымақтастық бөлімінің басшысымен және институттардың "
        "декандарымен кездесулер өтті.</p>"
        "<p>1 қарашада делегация Бода кампусындағы «Үздік инженер» институтының Инженерлік даярлау орталығын "
        "аралады.</p>"
        "<p>Тараптар өзара түсіністік туралы меморандумға қол қойып, студенттер мен оқытушылардың академиялық "
        "ұтқырлығын бастауға, тілдік даярлық, инженерия және АТ бойынша бірлескен бағдарламаларды әзірлеуге, "
        "бірлескен ғылыми зерттеулер мен магистранттар мен докторанттардың ғылыми тағылымдамасын ұйымдастыруға "
        "уағдаласты. Қытай тарапы 2026 жылы Шымкентке жұмыс делегациясын жіберуді жоспарлап отыр.</p>",
        "<p>С 29 октября по 2 ноября 2025 года проректор по академическим вопросам Е. Имангалиев по приглашению "
        "Института международного культурного обмена и Отдела международного сотрудничества и обменов "
        "Синьцзянского университета находился с официальным визитом в Урумчи.</p>"
        "<p>31 октября он открыл семинар «Структура международного обучения китайскому языку и международное "
        "сотрудничество в академических обменах» в академическом зале библиотеки кампуса Хунху. В тот же день "
        "состоялись встреча с проректором Цзинь Ганом, а затем встречи с начальником отдела международного "
        "сотрудничества и деканами институтов.</p>"
        "<p>1 ноября делегация посетила Центр инженерной подготовки Института «Выдающийся инженер» в кампусе "
        "Бода.</p>"
        "<p>Стороны подписали меморандум о взаимопонимании и договорились начать академическую мобильность "
        "студентов и преподавателей, разработать совместные программы по языковой подготовке, инженерии и ИТ, "
        "вести совместные исследования и организовать научные стажировки магистрантов и докторантов. Китайская "
        "сторона планирует рабочий визит делегации в Шымкент в 2026 году.</p>",
        "<p>From 29 October to 2 November 2025 the Vice-Rector for Academic Affairs, E. Imangaliyev, made an official "
        "visit to Urumqi at the invitation of the Institute of International Cultural Exchange and the Department of "
        "International Cooperation and Exchanges of Xinjiang University.</p>"
        "<p>On 31 October he opened the seminar «Structure of International Chinese Language Education and "
        "International Cooperation in Academic Exchanges» in the academic hall of the library on the Honghu campus. "
        "The same day he met Vice-Rector Jin Gang, then the head of international cooperation and the deans.</p>"
        "<p>On 1 November the delegation visited the Engineering Training Centre of the “Top Engineer” College on "
        "the Boda campus.</p>"
        "<p>The sides signed a memorandum of understanding and agreed to launch student and staff mobility, to "
        "develop joint programs in language training, engineering and IT, to run joint research and to arrange "
        "scientific practice for master's and doctoral students. The Chinese side plans a working delegation to "
        "Shymkent in 2026.</p>",
        "<p>2025年10月29日至11月2日，应新疆大学国际文化交流学院和国际合作与交流处邀请，主管教学的副校长"
        "伊曼加利耶夫赴乌鲁木齐进行正式访问。</p>"
        "<p>10月31日，他在红湖校区图书馆学术报告厅为“国际中文教育结构与学术交流中的国际合作”研讨会致开幕辞。"
        "当天，他与金副校长会见，随后与国际合作与交流处处长及各学院院长进行了会谈。</p>"
        "<p>11月1日，代表团参观了博达校区卓越工程师学院工程训练中心。</p>"
        "<p>双方签署了合作谅解备忘录，商定启动学生和教师交流，共同开发语言培训、工程和信息技术领域的联合培养项目，"
        "开展联合科研，并为硕士和博士研究生安排科研实践。中方计划于2026年派工作代表团访问奇姆肯特。</p>",
    ),
}
