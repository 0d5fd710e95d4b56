"""Demo data of the mobility app: three calls to Xinjiang University and applications in every stage."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import User
from partnerships.models import Agreement, Partner, Unit

from .models import (
    Application,
    ApplicationDocument,
    ApplicationTransition,
    CallHost,
    ExchangeCall,
    HostChoice,
    LearningAgreementCourse,
    Mobility,
    PriorityCategory,
    Review,
    Score,
    SelectionCriterion,
)

ZONE = timezone.get_default_timezone()
Status = Application.Status
# The path an application takes to each status, so the demo timeline is whole.
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Status.SUBMITTED],
    Status.UNDER_REVIEW: [Status.SUBMITTED, Status.UNDER_REVIEW],
    Status.SHORTLISTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.SHORTLISTED],
    Status.WAITLISTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.WAITLISTED],
    Status.NOMINATED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.NOMINATED],
    Status.ACCEPTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.NOMINATED, Status.ACCEPTED],
    Status.REJECTED: [Status.SUBMITTED, Status.UNDER_REVIEW, Status.REJECTED],
}


def blank_pdf() -> bytes:
    """A one-page PDF standing in for a scanned document."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=ZONE)


def seed(*, office: User, reviewer: User | None = None, student: User | None = None) -> ExchangeCall:
    xju = Partner.objects.get(slug="xinjiang-university")
    if not xju.language:
        xju.language = "zh-hans"
        xju.save(update_fields=["language"])
    faculties = _faculties()
    categories = _priority_categories()
    semester = _semester_call(xju, faculties, categories)
    staff = _staff_call(xju)
    doctoral = _doctoral_call(xju)
    for call in (semester, staff, doctoral):
        call.reviewers.set([reviewer] if reviewer else [])
    _applications(semester, staff, doctoral, xju, faculties, categories, office=office, student=student)
    _incoming_guest(xju)
    return semester


def _faculties():
    def faculty(name_en, name_ru, name_kk, name_zh):
        found, _created = Unit.objects.update_or_create(
            partner=None,
            name_en=name_en,
            defaults={"name_ru": name_ru, "name_kk": name_kk, "name_zh_hans": name_zh, "kind": Unit.Kind.FACULTY},
        )
        return found

    return {
        "it": faculty(
            "Faculty of Information Technology",
            "Факультет информационных технологий",
            "Ақпараттық технологиялар факультеті",
            "信息技术学院",
        ),
        "engineering": faculty("Faculty of Engineering", "Инженерный факультет", "Инженерия факультеті", "工程学院"),
        "philology": faculty(
            "Faculty of Philology", "Филологический факультет", "Филология факультеті", "语言文学学院"
        ),
    }


def _priority_categories():
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
        category, _created = PriorityCategory.objects.update_or_create(
            name_en=name_en, defaults={"name_ru": name_ru, "name_kk": name_kk, "name_zh_hans": name_zh}
        )
        categories.append(category)
    return categories


def _call(slug, xju, criteria, **values):
    call, _created = ExchangeCall.objects.update_or_create(slug=slug, defaults={"is_published": True, **values})
    CallHost.objects.get_or_create(call=call, partner=xju)
    call.agreements.set(Agreement.objects.filter(partners=xju, kind=Agreement.Kind.MOU))
    for name_en, name_ru, name_kk, name_zh, weight in criteria:
        SelectionCriterion.objects.update_or_create(
            call=call,
            name_en=name_en,
            defaults={"name_ru": name_ru, "name_kk": name_kk, "name_zh_hans": name_zh, "weight": weight},
        )
    return call


def _semester_call(xju, faculties, categories):
    call = _call(
        "semester-exchange-xinjiang-university",
        xju,
        [
            ("Grade point average", "Средний балл (GPA)", "Орташа балл (GPA)", "平均学分绩点", 50),
            ("Language level", "Уровень владения языком", "Тілді меңгеру деңгейі", "语言水平", 30),
            ("Motivation letter", "Мотивационное письмо", "Мотивациялық хат", "动机信", 20),
        ],
        title_en="Semester exchange at Xinjiang University, autumn 2027",
        title_ru="Семестровый обмен в Синьцзянском университете, осень 2027 года",
        title_kk="Шыңжаң университетінде семестрлік алмасу, 2027 жылдың күзі",
        title_zh_hans="新疆大学学期交换项目（2027年秋季）",
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
        opens_at=at(2026, 11, 1),
        closes_at=at(2027, 2, 15, 18),
        mobility_starts_on=datetime.date(2027, 9, 1),
        mobility_ends_on=datetime.date(2028, 1, 31),
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
    )
    call.faculties.set(faculties.values())
    call.priority_categories.set(categories)
    return call


def _staff_call(xju):
    return _call(
        "teaching-staff-internship-xinjiang-university",
        xju,
        [
            ("Teaching plan", "План преподавания", "Оқыту жоспары", "教学计划", 60),
            ("Research record", "Научные достижения", "Ғылыми жетістіктер", "科研成果", 40),
        ],
        title_en="Internship for teaching staff at Xinjiang University, spring 2027",
        title_ru="Стажировка преподавателей в Синьцзянском университете, весна 2027 года",
        title_kk="Оқытушылардың Шыңжаң университетіндегі тағылымдамасы, 2027 жылдың көктемі",
        title_zh_hans="新疆大学教师进修项目（2027年春季）",
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
        opens_at=at(2026, 11, 15),
        closes_at=at(2027, 1, 20, 18),
        mobility_starts_on=datetime.date(2027, 4, 5),
        mobility_ends_on=datetime.date(2027, 4, 18),
        min_language_level="B1",
        no_academic_debts=False,
        document_kinds=["cv", "motivation_letter"],
    )


def _doctoral_call(xju):
    return _call(
        "doctoral-scientific-practice-xinjiang-university-2026",
        xju,
        [
            ("Research proposal", "План исследования", "Зерттеу жоспары", "研究计划", 70),
            ("Publications", "Публикации", "Жарияланымдар", "发表成果", 30),
        ],
        title_en="Scientific practice for doctoral students at Xinjiang University, 2027",
        title_ru="Научная стажировка докторантов в Синьцзянском университете, 2027 год",
        title_kk="Докторанттардың Шыңжаң университетіндегі ғылыми тағылымдамасы, 2027 жыл",
        title_zh_hans="博士研究生新疆大学科研实践项目（2027年）",
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
        opens_at=at(2026, 9, 1),
        closes_at=at(2026, 10, 15, 18),
        mobility_starts_on=datetime.date(2027, 3, 1),
        mobility_ends_on=datetime.date(2027, 3, 31),
        min_language_level="B2",
        no_academic_debts=True,
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
]


def _person(email, name, latin_name, language, role):
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "latin_name": latin_name, "language": language, "role": role}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _applications(semester, staff, doctoral, xju, faculties, categories, *, office, student):
    people = {email.split("@")[0]: _person(email, *rest) for email, *rest in APPLICANTS}
    criteria = {call.pk: list(call.criteria.all()) for call in (semester, staff, doctoral)}
    bachelor = {"level": "bachelor", "credits": 120, "year_of_study": 3, "has_academic_debts": False}
    rows = [
        # call, applicant, status, answers, points per criterion, submitted
        (
            semester,
            people["aruzhan"],
            Status.SHORTLISTED,
            {
                **bachelor,
                "gpa": "3.67",
                "language_level": "B2",
                "faculty": faculties["philology"],
                "priority_category": categories[2],
            },
            [92, 85, 80],
            at(2026, 11, 10),
        ),
        (
            semester,
            people["timur"],
            Status.UNDER_REVIEW,
            {**bachelor, "gpa": "3.20", "language_level": "B1", "faculty": faculties["it"]},
            [75, 70, 90],
            at(2026, 11, 12),
        ),
        (
            semester,
            people["madina"],
            Status.SUBMITTED,
            {**bachelor, "gpa": "3.05", "language_level": "B1", "faculty": faculties["engineering"]},
            None,
            at(2026, 11, 20),
        ),
        (semester, people["saule"], Status.DRAFT, {**bachelor, "gpa": "2.90", "faculty": faculties["it"]}, None, None),
        (staff, people["nurlan"], Status.SUBMITTED, {"level": "staff", "language_level": "B2"}, None, at(2026, 11, 18)),
        (
            doctoral,
            people["yerlan"],
            Status.ACCEPTED,
            {"level": "doctoral", "language_level": "C1", "faculty": faculties["engineering"]},
            [88, 70],
            at(2026, 10, 1),
        ),
        (
            doctoral,
            people["dana"],
            Status.WAITLISTED,
            {"level": "doctoral", "language_level": "B2", "faculty": faculties["it"]},
            [80, 65],
            at(2026, 10, 5),
        ),
    ]
    if student is not None:
        rows.append((semester, student, Status.DRAFT, {"level": "bachelor", "faculty": faculties["it"]}, None, None))
    scan = blank_pdf()
    for call, applicant, status, answers, points, submitted_at in rows:
        application, created = Application.objects.get_or_create(
            call=call,
            applicant=applicant,
            defaults={
                **answers,
                "status": status,
                "submitted_at": submitted_at,
                "phone": "+7 701 000 00 00",
                "motivation": "I want to study Chinese and the engineering of the host and bring a joint project home.",
            },
        )
        if not created:
            continue
        HostChoice.objects.create(application=application, partner=xju, rank=1)
        if status != Status.DRAFT:
            for kind in call.document_kinds:  # nothing is submitted without its documents
                document = ApplicationDocument(
                    application=application, kind=kind, original_name=f"{kind}.pdf", size=len(scan)
                )
                document.file.save(f"{kind}.pdf", ContentFile(scan), save=False)
                document.save()
        previous, moment = Status.DRAFT, submitted_at
        for step in PATHS[status]:
            by = applicant if step == Status.SUBMITTED else office
            ApplicationTransition.objects.create(
                application=application, from_status=previous, to_status=step, by=by, at=moment
            )
            previous, moment = step, moment + datetime.timedelta(days=3)
        if points:
            review = Review.objects.create(application=application, reviewer=office)
            Score.objects.bulk_create(
                Score(review=review, criterion=criterion, points=value)
                for criterion, value in zip(criteria[call.pk], points, strict=True)
            )
        if status in {Status.NOMINATED, Status.ACCEPTED}:
            application.host = xju
            application.save(update_fields=["host"])
        if status == Status.WAITLISTED:
            application.waitlist_position = 1
            application.save(update_fields=["waitlist_position"])
    if not doctoral.selection_confirmed_at:
        doctoral.selection_confirmed_at = at(2026, 10, 25)
        doctoral.save(update_fields=["selection_confirmed_at"])
    accepted = Application.objects.get(call=doctoral, applicant=people["yerlan"])
    mobility, created = Mobility.objects.get_or_create(
        application=accepted,
        defaults={
            "participant": accepted.applicant,
            "participant_name": accepted.applicant.full_name,
            "email": accepted.applicant.email,
            "direction": Mobility.Direction.OUTGOING,
            "partner": xju,
            "mobility_type": doctoral.mobility_type,
            "home_unit": accepted.faculty,
            "starts_on": doctoral.mobility_starts_on,
            "ends_on": doctoral.mobility_ends_on,
        },
    )
    if created:
        LearningAgreementCourse.objects.create(
            mobility=mobility,
            host_course="Advanced Rock Mechanics",
            host_credits=2,
            home_course="Research practice",
            home_credits=3,
        )


def _incoming_guest(xju):
    Mobility.objects.get_or_create(
        participant_name="王芳 (Wang Fang)",
        partner=xju,
        defaults={
            "direction": Mobility.Direction.INCOMING,
            "mobility_type": ExchangeCall.MobilityType.STAFF_TEACHING,
            "starts_on": datetime.date(2026, 10, 5),
            "ends_on": datetime.date(2026, 10, 16),
            "status": Mobility.Status.COMPLETED,
            "final_report": "Taught a two-week course of Chinese for beginners to 40 students.",
        },
    )
