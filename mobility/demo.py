"""Demo data of the mobility app: calls that move with the day the demo runs, applications in every stage.

Everything goes through the services (applying, submitting, reviewing, confirming the selection, recording the
mobility), so every application has the history a real one has. Calls open and close relative to `now`: on any
day three calls to Xinjiang University are open, one of them closing within a week, and a fourth is under review.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import User
from accounts.services import create_user
from partnerships import demo as partnerships_demo
from partnerships.models import Agreement, Partner, PartnerDomain, Unit
from partnerships.services import describe_partner

from . import services
from .models import Application, ExchangeCall, Mobility

Status = Application.Status
DAY = datetime.timedelta(days=1)


def blank_pdf() -> bytes:
    """A one-page PDF standing in for a scanned document."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def at(day: datetime.date, hour=9):
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_default_timezone())


def autumn_after(day: datetime.date) -> datetime.date:
    """The first of September that follows a call's deadline by at least three months."""
    start = datetime.date(day.year, 9, 1)
    return start if (start - day).days >= 90 else datetime.date(day.year + 1, 9, 1)


def seed(
    *, office: User, reviewer: User | None = None, student: User | None = None, today: datetime.date | None = None
) -> ExchangeCall:
    """The calls, applications and mobilities of the demo; run again on a later day, it moves the calls to that day."""
    today = today or timezone.localdate()
    if PartnerDomain.objects.filter(domain__in=["shzu.edu.cn", "tpu.ru", "metu.edu.tr"]).count() != 3:
        partnerships_demo.seed_directory(coordinator=office, today=today)  # the hosts of the other calls
    xju = Partner.objects.get(slug="xinjiang-university")
    if not xju.language:
        xju = describe_partner(xju, values={"language": "zh-hans"}, by=office)
    faculties = _faculties()
    categories = _priority_categories(by=office)
    reviewers = [reviewer] if reviewer else []
    semester = _semester_call(xju, faculties, categories, today, by=office, reviewers=reviewers)
    staff = _staff_call(xju, today, by=office, reviewers=reviewers)
    doctoral = _doctoral_call(xju, today, by=office, reviewers=reviewers)
    under_review = _under_review_call(_partner("shzu.edu.cn"), faculties, today, by=office)
    finished = _finished_call(_partner("tpu.ru"), today, by=office)
    _applications(
        semester,
        staff,
        doctoral,
        under_review,
        finished,
        faculties,
        categories,
        office=office,
        student=student,
        reviewer=reviewer,
        today=today,
    )
    _incoming_guests(xju, today, by=office)
    return semester


def _partner(domain):
    return PartnerDomain.objects.select_related("partner").get(domain=domain).partner


def _faculties():
    """The home faculties the calls are open to (drawn with their departments by the partnerships demo)."""
    faculties = Unit.objects.filter(partner=None, kind=Unit.Kind.FACULTY)
    names = {
        "it": "Faculty of Information Technology",
        "engineering": "Faculty of Engineering",
        "philology": "Faculty of Philology",
    }
    return {key: faculties.get(name_en=name) for key, name in names.items()}


def _priority_categories(*, by):
    names = [
        (
            "Orphans and children left without parental care",
            "Дети-сироты и дети, оставшиеся без попечения родителей",
            "Жетім балалар және ата-ананың қамқорлығынсыз қалған балалар",
            "孤儿及失去父母监护的儿童",
        ),
        ("Persons with disabilities", "Лица с инвалидностью", "Мүгедектігі бар адамдар", "残疾人"),
        (
            "Children from large families",
            "Дети из многодетных семей",
            "Көпбалалы отбасылардың балалары",
            "多子女家庭的子女",
        ),
    ]
    categories = []
    for name_en, name_ru, name_kk, name_zh in names:
        category = services.add_priority_category(
            name_en=name_en, values={"name_ru": name_ru, "name_kk": name_kk, "name_zh_hans": name_zh}, by=by
        )
        categories.append(category)
    return categories


def _call(by, slug, partner, criteria, relations=None, **values):
    agreements = Agreement.objects.filter(partners=partner, status=Agreement.Status.ACTIVE)
    relations = {"agreements": agreements, **(relations or {})}
    call = services.create_call(slug=slug, values={"is_published": True, **values}, relations=relations, by=by)
    if not call.hosts.filter(partner=partner).exists():
        services.add_call_host(call, partner=partner, by=by)
    for name_en, name_ru, name_kk, name_zh, weight in criteria:
        services.add_selection_criterion(
            call,
            name_en=name_en,
            weight=weight,
            values={"name_ru": name_ru, "name_kk": name_kk, "name_zh_hans": name_zh},
            by=by,
        )
    return call


def _semester_call(xju, faculties, categories, today, *, by, reviewers=()):
    closes = today + 40 * DAY
    starts = autumn_after(closes)
    call = _call(
        by,
        "semester-exchange-xinjiang-university",
        xju,
        [
            ("Grade point average", "Средний балл (GPA)", "Орташа балл (GPA)", "平均学分绩点", 50),
            ("Language level", "Уровень владения языком", "Тілді меңгеру деңгейі", "语言水平", 30),
            ("Motivation letter", "Мотивационное письмо", "Мотивациялық хат", "动机信", 20),
        ],
        title_en=f"Semester exchange at Xinjiang University, autumn {starts.year}",
        title_ru=f"Семестровый обмен в Синьцзянском университете, осень {starts.year} года",
        title_kk=f"Шыңжаң университетінде семестрлік алмасу, {starts.year} жылдың күзі",
        title_zh_hans=f"新疆大学学期交换项目（{starts.year}年秋季）",
        description_en="Five bachelor's and master's students of information technology, engineering and Chinese "
        "language study one semester in Urumqi under the memorandum with Xinjiang University; the host waives "
        "tuition and the university pays travel and a monthly grant.",
        description_ru="Пять студентов бакалавриата и магистратуры по информационным технологиям, инженерии и "
        "китайскому языку учатся один семестр в Урумчи по меморандуму с Синьцзянским университетом; принимающая "
        "сторона не взимает плату за обучение, университет оплачивает проезд и ежемесячную стипендию.",
        description_kk="Ақпараттық технологиялар, инженерия және қытай тілі бағыттарының бакалавриат пен "
        "магистратурадағы бес студенті Шыңжаң университетімен меморандум бойынша Үрімшіде бір семестр оқиды; "
        "қабылдаушы тарап оқу ақысын алмайды, университет жол ақысы мен ай сайынғы стипендияны төлейді.",
        description_zh_hans="根据与新疆大学的合作谅解备忘录，信息技术、工程和汉语专业的五名本科生和硕士研究生"
        "赴乌鲁木齐学习一个学期；接收方免收学费，本校承担往返交通费并按月发放补助。",
        mobility_type=ExchangeCall.MobilityType.SEMESTER,
        levels=["bachelor", "master"],
        funding=ExchangeCall.Funding.UNIVERSITY,
        places=5,
        opens_at=at(today - 20 * DAY),
        closes_at=at(closes, 18),
        mobility_starts_on=starts,
        mobility_ends_on=datetime.date(starts.year + 1, 1, 31),
        min_gpa="2.80",
        min_credits=60,
        min_language_level="B1",
        min_year_of_study=2,
        no_academic_debts=True,
        document_kinds=["transcript", "language_certificate", "motivation_letter", "passport"],
        has_second_stage=True,
        second_stage_en="An interview in Chinese or English.",
        second_stage_ru="Собеседование на китайском или английском языке.",
        second_stage_kk="Қытай немесе ағылшын тіліндегі сұхбат.",
        second_stage_zh_hans="中文或英文面试。",
        relations={"faculties": faculties.values(), "priority_categories": categories, "reviewers": reviewers},
    )
    return call


def _staff_call(xju, today, *, by, reviewers=()):
    closes = today + 3 * DAY  # the call closing within a week
    starts = closes + 75 * DAY
    return _call(
        by,
        "teaching-staff-internship-xinjiang-university",
        xju,
        [
            ("Teaching plan", "План преподавания", "Оқыту жоспары", "教学计划", 60),
            ("Research record", "Научные достижения", "Ғылыми жетістіктер", "科研成果", 40),
        ],
        title_en=f"Internship for teaching staff at Xinjiang University, {starts.year}",
        title_ru=f"Стажировка преподавателей в Синьцзянском университете, {starts.year} год",
        title_kk=f"Оқытушылардың Шыңжаң университетіндегі тағылымдамасы, {starts.year} жыл",
        title_zh_hans=f"新疆大学教师进修项目（{starts.year}年）",
        description_en="Three teachers spend two weeks teaching and training at the School of Computer Science and the "
        "School of Foreign Languages.",
        description_ru="Три преподавателя в течение двух недель ведут занятия и проходят стажировку в Институте "
        "компьютерных наук и Институте иностранных языков.",
        description_kk="Үш оқытушы Компьютерлік ғылымдар институты мен Шет тілдері институтында екі апта бойы "
        "сабақ береді және тағылымдамадан өтеді.",
        description_zh_hans="三名教师在计算机科学学院和外国语学院进行为期两周的授课与进修。",
        mobility_type=ExchangeCall.MobilityType.STAFF_TRAINING,
        levels=["staff"],
        funding=ExchangeCall.Funding.PARTNER,
        places=3,
        opens_at=at(today - 25 * DAY),
        closes_at=at(closes, 18),
        mobility_starts_on=starts,
        mobility_ends_on=starts + 13 * DAY,
        min_language_level="B1",
        no_academic_debts=False,
        document_kinds=["cv", "motivation_letter"],
        relations={"reviewers": reviewers},
    )


def _doctoral_call(xju, today, *, by, reviewers=()):
    closes = today + 25 * DAY
    starts = closes + 60 * DAY
    return _call(
        by,
        "doctoral-scientific-practice-xinjiang-university",
        xju,
        [
            ("Research proposal", "План исследования", "Зерттеу жоспары", "研究计划", 70),
            ("Publications", "Публикации", "Жарияланымдар", "发表成果", 30),
        ],
        title_en=f"Scientific practice for doctoral students at Xinjiang University, {starts.year}",
        title_ru=f"Научная стажировка докторантов в Синьцзянском университете, {starts.year} год",
        title_kk=f"Докторанттардың Шыңжаң университетіндегі ғылыми тағылымдамасы, {starts.year} жыл",
        title_zh_hans=f"博士研究生新疆大学科研实践项目（{starts.year}年）",
        description_en="A doctoral student spends one month of research with a supervisor at Xinjiang University, "
        "funded by the state budget.",
        description_ru="Докторант в течение месяца ведёт исследования под руководством научного консультанта в "
        "Синьцзянском университете; стажировка оплачивается из государственного бюджета.",
        description_kk="Докторант Шыңжаң университетінде ғылыми кеңесшінің жетекшілігімен бір ай бойы зерттеу "
        "жүргізеді; тағылымдама мемлекеттік бюджет есебінен қаржыландырылады.",
        description_zh_hans="一名博士研究生在新疆大学导师指导下进行为期一个月的科研实践，由国家预算资助。",
        mobility_type=ExchangeCall.MobilityType.DOCTORAL_RESEARCH,
        levels=["doctoral"],
        funding=ExchangeCall.Funding.STATE,
        places=1,
        opens_at=at(today - 15 * DAY),
        closes_at=at(closes, 18),
        mobility_starts_on=starts,
        mobility_ends_on=starts + 29 * DAY,
        min_language_level="B2",
        no_academic_debts=True,
        document_kinds=["cv", "recommendation"],
        relations={"reviewers": reviewers},
    )


def _under_review_call(shihezi, faculties, today, *, by):
    """A semester exchange that closed last week: its applications are being scored, nothing is decided yet."""
    closes = today - 7 * DAY
    starts = autumn_after(closes)
    call = _call(
        by,
        "semester-exchange-shihezi-university",
        shihezi,
        [
            ("Grade point average", "Средний балл (GPA)", "Орташа балл (GPA)", "平均学分绩点", 60),
            ("Motivation letter", "Мотивационное письмо", "Мотивациялық хат", "动机信", 40),
        ],
        title_en=f"Semester exchange at Shihezi University, autumn {starts.year}",
        title_ru=f"Семестровый обмен в Шихэцзыском университете, осень {starts.year} года",
        title_kk=f"Шихэцзы университетінде семестрлік алмасу, {starts.year} жылдың күзі",
        title_zh_hans=f"石河子大学学期交换项目（{starts.year}年秋季）",
        description_en="Two engineering students study one semester in Shihezi under the student exchange agreement.",
        description_ru="Два студента инженерных специальностей учатся один семестр в Шихэцзы по соглашению об "
        "обмене студентами.",
        description_kk="Инженерлік мамандықтардың екі студенті студенттер алмасу туралы келісім бойынша Шихэцзыда "
        "бір семестр оқиды.",
        description_zh_hans="根据学生交流协议，两名工科学生赴石河子学习一个学期。",
        mobility_type=ExchangeCall.MobilityType.SEMESTER,
        levels=["bachelor"],
        funding=ExchangeCall.Funding.UNIVERSITY,
        places=2,
        opens_at=at(closes - 45 * DAY),
        closes_at=at(closes, 18),
        mobility_starts_on=starts,
        mobility_ends_on=datetime.date(starts.year + 1, 1, 31),
        min_gpa="2.50",
        document_kinds=["transcript", "motivation_letter"],
        relations={"faculties": [faculties["engineering"]]},
    )
    return call


def _finished_call(tomsk, today, *, by):
    """A doctoral call of last season: selection confirmed, the nominee accepted by the host and on the move."""
    closes = today - 120 * DAY
    starts = closes + 90 * DAY
    return _call(
        by,
        "doctoral-research-tomsk-polytechnic-university",
        tomsk,
        [
            ("Research proposal", "План исследования", "Зерттеу жоспары", "研究计划", 70),
            ("Publications", "Публикации", "Жарияланымдар", "发表成果", 30),
        ],
        title_en=f"Research stay for doctoral students at Tomsk Polytechnic University, {starts.year}",
        title_ru=f"Научная стажировка докторантов в Томском политехническом университете, {starts.year} год",
        title_kk=f"Докторанттардың Томск политехникалық университетіндегі ғылыми тағылымдамасы, {starts.year} жыл",
        title_zh_hans=f"博士研究生托木斯克理工大学科研访学项目（{starts.year}年）",
        description_en="One doctoral student spends two months in the mining engineering laboratories in Tomsk.",
        description_ru="Один докторант проводит два месяца в лабораториях горного дела в Томске.",
        description_kk="Бір докторант Томскідегі тау-кен ісі зертханаларында екі ай болады.",
        description_zh_hans="一名博士研究生在托木斯克的采矿工程实验室进行为期两个月的科研访学。",
        mobility_type=ExchangeCall.MobilityType.DOCTORAL_RESEARCH,
        levels=["doctoral"],
        funding=ExchangeCall.Funding.STATE,
        places=1,
        opens_at=at(closes - 40 * DAY),
        closes_at=at(closes, 18),
        mobility_starts_on=starts,
        mobility_ends_on=starts + 60 * DAY,
        min_language_level="B2",
        document_kinds=["cv", "recommendation"],
    )


APPLICANTS = [
    # email, name, name in Latin letters (passport), language, role
    ("aruzhan@kopir.example", "Аружан Қасымова", "Kassymova Aruzhan", "kk", User.Role.STUDENT),
    ("timur@kopir.example", "Тимур Абдуллаев", "Abdullayev Timur", "ru", User.Role.STUDENT),
    ("madina@kopir.example", "Мадина Серікбаева", "Serikbayeva Madina", "kk", User.Role.STUDENT),
    ("yerlan@kopir.example", "Ерлан Тоқтаров", "Toktarov Yerlan", "ru", User.Role.STUDENT),
    ("saule@kopir.example", "Сәуле Бекова", "Bekova Saule", "en", User.Role.STUDENT),
    ("nurlan@kopir.example", "Нұрлан Әлиев", "Aliyev Nurlan", "kk", User.Role.FACULTY),
    ("dana@kopir.example", "Дана Оразбаева", "Orazbayeva Dana", "ru", User.Role.STUDENT),
    ("askar@kopir.example", "Асқар Жұмабеков", "Zhumabekov Askar", "kk", User.Role.STUDENT),
]


def _person(email, name, latin_name, language, role, *, by):
    """An applicant of the demo (added once; no password: the demo signs in only as its three people)."""
    existing = User.objects.filter(email=email).first()
    values = {"full_name": name, "latin_name": latin_name, "language": language, "role": role}
    return existing or create_user(email=email, values=values, by=by)


def _apply(call, applicant, answers, *, submit, now):
    """The applicant's application, filled in, documents attached and (if `submit`) submitted, through the services.

    To a call that has closed they apply an hour before its deadline, as if they had applied in time.
    Idempotent: an application that exists already is returned unchanged.
    """
    existing = Application.objects.filter(call=call, applicant=applicant).first()
    if existing:
        return existing, False
    if not call.is_open(now):
        now = call.closes_at - datetime.timedelta(hours=1)
    application = services.start_application(call, applicant=applicant, now=now)
    services.save_draft(application, values={"phone": "+7 701 000 00 00", **answers}, now=now)
    if not application.choices.exists():
        services.choose_hosts(application, partners=list(call.partners.all()), now=now)
    scan = blank_pdf()
    for kind in call.document_kinds:
        upload = SimpleUploadedFile(f"{kind}.pdf", scan, content_type="application/pdf")
        services.upload_document(application, kind=kind, file=upload, now=now)
    if submit:
        application = services.submit_application(application, by=applicant, now=now)
    return application, True


def _review(application, points, *, by):
    criteria = list(application.call.criteria.all())
    services.save_review(
        application, reviewer=by, points={c.pk: value for c, value in zip(criteria, points, strict=True)}
    )


def _applications(
    semester, staff, doctoral, under_review, finished, faculties, categories, *, office, student, reviewer, today
):
    now = timezone.now()
    people = {email.split("@")[0]: _person(email, *rest, by=office) for email, *rest in APPLICANTS}
    bachelor = {"level": "bachelor", "credits": 120, "year_of_study": 3, "has_academic_debts": False}
    motivation = {
        "motivation": "I want to study Chinese and the engineering of the host and bring a joint project home."
    }
    semester_reviewer = reviewer or office
    # The semester exchange: one shortlisted, one being scored, one waiting, drafts.
    aruzhan, new = _apply(
        semester,
        people["aruzhan"],
        {
            **bachelor,
            **motivation,
            "gpa": "3.67",
            "language_level": "B2",
            "faculty": faculties["philology"],
            "priority_category": categories[2],
        },
        submit=True,
        now=now,
    )
    if new:
        _review(aruzhan, [92, 85, 80], by=semester_reviewer)
        services.change_application_status(aruzhan, to=Status.SHORTLISTED, by=office, comment="Interview on Monday.")
    timur, new = _apply(
        semester,
        people["timur"],
        {**bachelor, **motivation, "gpa": "3.20", "language_level": "B1", "faculty": faculties["it"]},
        submit=True,
        now=now,
    )
    if new:
        _review(timur, [75, 70, 90], by=semester_reviewer)
    _apply(
        semester,
        people["madina"],
        {**bachelor, **motivation, "gpa": "3.05", "language_level": "B1", "faculty": faculties["engineering"]},
        submit=True,
        now=now,
    )
    _apply(semester, people["saule"], {**bachelor, "gpa": "2.90", "faculty": faculties["it"]}, submit=False, now=now)
    if student is not None:
        _apply(semester, student, {"level": "bachelor", "faculty": faculties["it"]}, submit=False, now=now)
    # The staff internship closes within days: one submitted.
    _apply(staff, people["nurlan"], {"level": "staff", "language_level": "B2", **motivation}, submit=True, now=now)
    # The doctoral practice: one submitted.
    _apply(
        doctoral,
        people["dana"],
        {
            "level": "doctoral",
            "has_academic_debts": False,
            "language_level": "B2",
            "faculty": faculties["it"],
            **motivation,
        },
        submit=True,
        now=now,
    )
    # The call under review: closed, scored in part, nothing decided.
    madina, new = _apply(
        under_review,
        people["madina"],
        {**bachelor, **motivation, "gpa": "3.05", "faculty": faculties["engineering"]},
        submit=True,
        now=now,
    )
    if new:
        _review(madina, [70, 80], by=office)
    # Last season's doctoral call: ranked, confirmed, the nominee accepted by the host and the mobility recorded.
    yerlan, new = _apply(
        finished,
        people["yerlan"],
        {
            "level": "doctoral",
            "has_academic_debts": False,
            "language_level": "C1",
            "faculty": faculties["engineering"],
            **motivation,
        },
        submit=True,
        now=now,
    )
    askar, _new = _apply(
        finished,
        people["askar"],
        {
            "level": "doctoral",
            "has_academic_debts": False,
            "language_level": "B2",
            "faculty": faculties["engineering"],
            **motivation,
        },
        submit=True,
        now=now,
    )
    if new:
        _review(yerlan, [88, 70], by=office)
        _review(askar, [80, 65], by=office)
        services.confirm_selection(finished, by=office)
        yerlan = services.change_application_status(
            Application.objects.get(pk=yerlan.pk), to=Status.ACCEPTED, by=office, comment="Invitation received."
        )
        mobility = services.create_mobility(yerlan, by=office)
        services.add_learning_agreement_course(
            mobility,
            host_course="Rock mechanics",
            values={"host_credits": 2, "home_course": "Research practice", "home_credits": 3},
            by=office,
        )
        services.approve_learning_agreement(mobility, by=office)
    for mobility in Mobility.objects.filter(application__call=finished):  # it moves with its call
        services.move_mobility_dates(
            mobility, starts_on=finished.mobility_starts_on, ends_on=finished.mobility_ends_on, by=office
        )


def _incoming_guests(xju, today, *, by):
    """Mobility the other way: a teacher from Xinjiang University who came, a colleague from Ankara teaching now."""
    metu = _partner("metu.edu.tr")
    guests = [
        (
            "王芳 (Wang Fang)",
            xju,
            ExchangeCall.MobilityType.STAFF_TEACHING,
            today - 60 * DAY,
            Mobility.Status.COMPLETED,
            "Taught a two-week course of Chinese for beginners to 40 students.",
        ),
        ("Ayşe Demir", metu, ExchangeCall.MobilityType.STAFF_TEACHING, today - 5 * DAY, Mobility.Status.ONGOING, ""),
    ]
    for name, partner, kind, starts_on, status, report in guests:
        services.record_incoming_mobility(
            participant_name=name,
            partner=partner,
            by=by,
            values={
                # Under the partner's agreement that promised such stays, so that agreement's health counts it.
                "agreement": partner.agreements.filter(conditions__mobility_type=kind).order_by("pk").first(),
                "mobility_type": kind,
                "starts_on": starts_on,
                "ends_on": starts_on + 11 * DAY,
                "status": status,
                "final_report": report,
            },
        )
