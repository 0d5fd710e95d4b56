"""The deadline rush of `make bench`: signed-in students finish their applications as a call closes.

Each student has a draft (answers and host given) and, over HTTP against gunicorn as in production, saves
the motivation step, uploads the transcript and submits; students arrive spread over the last part of the
call's window, and one in ten submits only after the deadline. Afterwards the database says whether anything
was lost: every motivation and file saved, every submission answered before the deadline accepted and every
one sent after it refused. Then the call's applications are ranked.

The load script is Python's own HTTP client, one thread per student: each student's requests depend on the
previous answer (the deadline decides), which wrk's scripts do not follow, and the arrival rate, not the
generator, is what this measures.
"""

import io
import secrets
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.models import User
from bench import http
from mobility import services as mobility_services
from mobility.models import (
    Application,
    ApplicationDocument,
    CallHost,
    ExchangeCall,
    HostChoice,
    Review,
    Score,
    SelectionCriterion,
)
from partnerships.models import Partner, Unit

SCALES = {"small": {"students": 40, "seconds": 20}, "full": {"students": 300, "seconds": 75}}
LATE_EVERY = 10  # one student in ten submits after the deadline
GOALS = {"errors": 0, "lost": 0, "p99_ms": 1_000, "misjudged": 0}


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def prepare(count):
    """The call (its deadline set once the students are ready), and each student's draft and session."""
    now = timezone.now()
    call = ExchangeCall.objects.create(
        title="Deadline rush",
        title_en="Deadline rush",
        slug="deadline-rush",
        mobility_type=ExchangeCall.MobilityType.SEMESTER,
        levels=["bachelor"],
        funding=ExchangeCall.Funding.UNIVERSITY,
        places=count // 5,
        opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(days=1),
        mobility_starts_on=date(2027, 9, 1),
        mobility_ends_on=date(2028, 1, 31),
        document_kinds=["transcript"],
        is_published=True,
    )
    hosts = list(Partner.objects.order_by("pk").values_list("pk", flat=True)[:2])
    CallHost.objects.bulk_create(CallHost(call=call, partner_id=pk) for pk in hosts)
    SelectionCriterion.objects.create(call=call, name="GPA", name_en="GPA", weight=100)
    faculty = Unit.objects.create(partner=None, name="Faculty of the rush", name_en="Faculty of the rush")
    students = User.objects.bulk_create(
        User(email=f"rush{n}@bench.example", role=User.Role.STUDENT, language="en") for n in range(count)
    )
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=student,
            level="bachelor",
            faculty=faculty,
            gpa=Decimal(250 + n % 150) / 100,
            credits=90,
            year_of_study=3,
            has_academic_debts=False,
            language_level="B2",
        )
        for n, student in enumerate(students)
    )
    HostChoice.objects.bulk_create(
        HostChoice(application=application, partner_id=hosts[0], rank=1) for application in applications
    )
    return call, [
        {"n": n, "application": application.pk, "cookie": session_cookie(student), "late": n % LATE_EVERY == 0}
        for n, (student, application) in enumerate(zip(students, applications, strict=True))
    ]


def session_cookie(user):
    """A signed-in session, as after signing in, with its CSRF secret: the Cookie header of that student."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # the unmasked secret: the form may send it as is
    return {
        "header": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}",
        "csrf": csrf,
    }


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


class Student(threading.Thread):
    def __init__(self, server, student, *, starts_at, deadline, pdf):
        super().__init__()
        self.server, self.student, self.starts_at, self.deadline, self.pdf = server, student, starts_at, deadline, pdf
        self.timings, self.errors, self.answers = [], [], {}

    def post(self, step, content_type, body):
        path = f"/en/mobility/applications/{self.student['application']}/{step}/"
        headers = {
            "Cookie": self.student["cookie"]["header"],
            "Content-Type": content_type,
            "Origin": f"https://127.0.0.1:{self.server.port}",
            "Referer": f"https://127.0.0.1:{self.server.port}{path}",
        }
        sent = time.time()
        try:
            status = self.server.post(path, body, headers)
        except OSError as error:
            self.errors.append(f"{step}: {type(error).__name__}")
            return None, sent, time.time()
        answered = time.time()
        self.timings.append((answered - sent) * 1000)
        if status != 302:  # every step answers a save, a refusal after the deadline too, with a redirect
            self.errors.append(f"{step}: {status}")
        return status, sent, answered

    def run(self):
        token = self.student["cookie"]["csrf"]
        time.sleep(max(0.0, self.starts_at - time.time()))
        form = "application/x-www-form-urlencoded"
        motivation = f"csrfmiddlewaretoken={token}&motivation=Rush+motivation+{self.student['n']}"
        self.send("motivation", form, motivation.encode())
        self.send("documents", *multipart({"csrfmiddlewaretoken": token}, {"transcript": ("transcript.pdf", self.pdf)}))
        if self.student["late"]:
            time.sleep(max(0.0, self.deadline + 1 + self.student["n"] % 5 * 0.2 - time.time()))
        self.send("submit", form, f"csrfmiddlewaretoken={token}&confirm=on".encode())

    def send(self, step, content_type, body):
        _status, sent, answered = self.post(step, content_type, body)
        self.answers[step] = {"sent": sent, "answered": answered}


def kept(thread, step, deadline):
    """Whether this step's answer came before the deadline, so that it must be in the database."""
    answer = thread.answers.get(step)
    return answer is not None and answer["answered"] < deadline


def stored(document, media):
    path = document and media / document.file.name
    return bool(path) and path.is_file() and path.stat().st_size == document.size


def judged_wrongly(application, thread, deadline) -> bool:
    """A submission accepted after the deadline, or answered before it and not accepted, or sent after it and
    accepted."""
    submitted = application.status == Application.Status.SUBMITTED
    if submitted and application.submitted_at.timestamp() > deadline:
        return True
    if kept(thread, "submit", deadline):
        return not submitted
    answer = thread.answers.get("submit")
    return bool(answer and answer["sent"] > deadline and submitted)


def check(call, students, threads, media):
    """What the database holds after the rush, against what each student did and when."""
    deadline = call.closes_at.timestamp()
    applications = {a.pk: a for a in Application.objects.filter(call=call)}
    documents = {d.application_id: d for d in ApplicationDocument.objects.filter(application__call=call)}
    lost = misjudged = 0
    for student, thread in zip(students, threads, strict=True):
        application = applications[student["application"]]
        document = documents.get(application.pk)
        # A save answered before the deadline is kept; one sent after it is refused (the draft is closed).
        if kept(thread, "motivation", deadline) and application.motivation != f"Rush motivation {student['n']}":
            lost += 1
        if kept(thread, "documents", deadline) and not stored(document, media):
            lost += 1
        misjudged += judged_wrongly(application, thread, deadline)
    return {
        "lost": lost,
        "misjudged": misjudged,
        "submitted": sum(a.status == Application.Status.SUBMITTED for a in applications.values()),
        "refused_late": sum(
            a.status == Application.Status.DRAFT
            for student, a in ((s, applications[s["application"]]) for s in students)
            if student["late"]
        ),
    }


def review_all(call):
    """Every submitted application scored by one reviewer, as the selection committee does before ranking."""
    reviewer = User.objects.create_user("rush-reviewer@bench.example", role=User.Role.STAFF)
    criterion = call.criteria.get()
    reviews = Review.objects.bulk_create(
        Review(application=application, reviewer=reviewer)
        for application in call.applications.filter(status=Application.Status.SUBMITTED)
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, points=(n * 37) % 101) for n, review in enumerate(reviews)
    )


def bench_rush(scale):
    config = SCALES[scale]
    call, students = prepare(config["students"])
    pdf = blank_pdf()
    with tempfile.TemporaryDirectory(prefix="kopir-rush-") as media:
        with http.Server(environment={"PRIVATE_MEDIA_ROOT": media}) as server:
            seconds = config["seconds"]
            start = time.time() + 1
            deadline = start + seconds
            call.closes_at = timezone.now() + timedelta(seconds=deadline - time.time())
            call.save(update_fields=["closes_at"])
            deadline = call.closes_at.timestamp()
            # Arrivals spread over the window but the last tenth, so the punctual ones can make it.
            threads = [
                Student(
                    server,
                    student,
                    starts_at=start + 0.9 * seconds * n / len(students),
                    deadline=deadline,
                    pdf=pdf,
                )
                for n, student in enumerate(students)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        outcome = check(call, students, threads, Path(media))
    timings = sorted(t for thread in threads for t in thread.timings)
    errors = [error for thread in threads for error in thread.errors]
    review_all(call)
    started = time.perf_counter()
    ranked = len(mobility_services.rank_applications(call).entries)
    ranking_seconds = time.perf_counter() - started
    return {
        "students": len(students),
        "late": sum(student["late"] for student in students),
        "seconds": seconds,
        "requests": len(timings),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_ms": round(timings[len(timings) // 2], 1) if timings else None,
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 1) if timings else None,
        **outcome,
        "ranked": ranked,
        "ranking_seconds": round(ranking_seconds, 3),
        "goals": GOALS,
    }


def report_lines(rush) -> list[str]:
    mark = {True: "met", False: "MISSED"}
    goals = rush["goals"]
    lines = [
        "",
        f"## Deadline rush: {rush['students']} signed-in students in the last {rush['seconds']} s of a call "
        f"({rush['late']} of them submit after the deadline)",
        "",
        "| figure | value | goal |",
        "|---|---|---|",
        f"| requests (save, upload, submit) | {rush['requests']} | |",
        f"| errors | {rush['errors']} | {goals['errors']} {mark[rush['errors'] <= goals['errors']]} |",
        f"| drafts or files lost | {rush['lost']} | {goals['lost']} {mark[rush['lost'] <= goals['lost']]} |",
        f"| p50 ms | {rush['p50_ms']} | |",
        f"| p99 ms | {rush['p99_ms']} | ≤ {goals['p99_ms']} {mark[(rush['p99_ms'] or 0) <= goals['p99_ms']]} |",
        f"| submissions accepted / late ones refused | {rush['submitted']} / {rush['refused_late']} of "
        f"{rush['late']} | |",
        f"| submissions judged against the deadline wrongly | {rush['misjudged']} | {goals['misjudged']} "
        f"{mark[rush['misjudged'] <= goals['misjudged']]} |",
        f"| ranking those applications right after, s | {rush['ranking_seconds']} ({rush['ranked']} ranked) | |",
    ]
    if rush["error_samples"]:
        lines.append(f"\nFirst errors: {', '.join(rush['error_samples'])}")
    return lines
