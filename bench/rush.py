"""The deadline rush of `make bench`: signed-in students finish their applications as a call closes.

Each student has a draft (answers and host given) and, over HTTP against gunicorn as in production, saves
the motivation step, uploads the transcript and submits; students arrive spread over the last part of the
call's window, and one in ten submits only after the deadline. Afterwards the database says whether anything
was lost: every motivation and file saved, every submission answered before the deadline accepted and every
one sent after it refused. Then the call's applications are ranked.

The load script is locust's, headless (bench/locustfile.py): one locust user per student, with that student's
session, each request after the previous answer; the plan (who, when) goes to it as JSON and every answer's
moments come back the same way.
"""

import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
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
    """A signed-in session, as after signing in, with its CSRF secret: that student's cookies."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()  # what the portal's server reads
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    csrf = secrets.token_hex(16)  # the unmasked secret: the form may send it as is
    return {
        "cookies": {settings.SESSION_COOKIE_NAME: session.session_key, settings.CSRF_COOKIE_NAME: csrf},
        "csrf": csrf,
    }


def run_locust(server, students, *, starts_at, deadline, pdf, folder):
    """The students' journeys by locust headless, one user each; returns each application's answers by step."""
    plan, answers, pdf_file = folder / "plan.json", folder / "answers.json", folder / "transcript.pdf"
    pdf_file.write_bytes(pdf)
    plan.write_text(
        json.dumps(
            {
                "origin": f"https://127.0.0.1:{server.port}",
                "pdf": str(pdf_file),
                "students": [
                    {
                        "application": student["application"],
                        **student["cookie"],
                        "motivation": f"Rush motivation {student['n']}",
                        "starts_at": starts_at[n],
                        # The late ones submit in the seconds after the deadline, a few at a time.
                        "submits_at": deadline + 1 + student["n"] % 5 * 0.2 if student["late"] else None,
                    }
                    for n, student in enumerate(students)
                ],
            }
        ),
        encoding="utf-8",
    )
    count = str(len(students))
    command = [str(Path(sys.executable).with_name("locust")), "-f", str(Path(__file__).with_name("locustfile.py"))]
    command += ["--headless", "--users", count, "--spawn-rate", count, "--host", f"http://127.0.0.1:{server.port}"]
    command += ["--run-time", f"{int(deadline - time.time()) + 120}s", "--only-summary", "--loglevel", "WARNING"]
    environment = os.environ | {"RUSH_PLAN": str(plan), "RUSH_ANSWERS": str(answers)}
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603 (fixed arguments)
    if not answers.exists():
        raise RuntimeError(f"locust wrote no answers: {finished.stderr[-2000:]}")
    return {entry["application"]: entry["answers"] for entry in json.loads(answers.read_text(encoding="utf-8"))}


def kept(answers, step, deadline):
    """Whether this step's save was answered before the deadline, so that it must be in the database."""
    answer = answers.get(step)
    return answer is not None and answer["status"] == 302 and answer["answered"] < deadline


def stored(document, media):
    path = document and media / document.file.name
    return bool(path) and path.is_file() and path.stat().st_size == document.size


def judged_wrongly(application, answers, deadline) -> bool:
    """A submission accepted after the deadline, or answered before it and not accepted, or sent after it and
    accepted."""
    submitted = application.status == Application.Status.SUBMITTED
    if submitted and application.submitted_at.timestamp() > deadline:
        return True
    if kept(answers, "submit", deadline):
        return not submitted
    answer = answers.get("submit")
    return bool(answer and answer["sent"] > deadline and submitted)


def check(call, students, answers, media):
    """What the database and the storage hold after the rush, against what each student did and when."""
    deadline = call.closes_at.timestamp()
    applications = {a.pk: a for a in Application.objects.filter(call=call)}
    documents = {d.application_id: d for d in ApplicationDocument.objects.filter(application__call=call)}
    lost = misjudged = saved_drafts = saved_files = 0
    for student in students:
        application = applications[student["application"]]
        document = documents.get(application.pk)
        done = answers.get(application.pk, {})
        # A save answered before the deadline is kept; one sent after it is refused (the draft is closed).
        if kept(done, "motivation", deadline):
            saved_drafts += 1
            lost += application.motivation != f"Rush motivation {student['n']}"
        if kept(done, "documents", deadline):
            saved_files += 1
            lost += not stored(document, media)
        misjudged += judged_wrongly(application, done, deadline)
    return {
        "lost": lost,
        "misjudged": misjudged,
        "saved_drafts": saved_drafts,
        "drafts_in_database": sum(
            a.motivation == f"Rush motivation {s['n']}" for s in students for a in [applications[s["application"]]]
        ),
        "saved_files": saved_files,
        "documents_in_database": len(documents),
        "files_in_storage": sum(1 for path in media.rglob("*") if path.is_file()),
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
    with tempfile.TemporaryDirectory(prefix="kopir-rush-") as folder:
        folder = Path(folder)
        media = folder / "private"
        with http.Server(environment={"PRIVATE_MEDIA_ROOT": str(media)}) as server:
            seconds = config["seconds"]
            start = time.time() + 3  # locust's start and its users' spawning
            call.closes_at = timezone.now() + timedelta(seconds=start + seconds - time.time())
            call.save(update_fields=["closes_at"])
            deadline = call.closes_at.timestamp()
            # Arrivals spread over the window but the last tenth, so the punctual ones can make it.
            starts_at = [start + 0.9 * seconds * n / len(students) for n in range(len(students))]
            answers = run_locust(server, students, starts_at=starts_at, deadline=deadline, pdf=pdf, folder=folder)
        media.mkdir(exist_ok=True)
        outcome = check(call, students, answers, media)
    steps = [answer for done in answers.values() for answer in done.values()]
    timings = sorted((answer["answered"] - answer["sent"]) * 1000 for answer in steps)
    errors = [answer["error"] for answer in steps if answer["error"]]
    errors += [f"no answers for application {s['application']}" for s in students if s["application"] not in answers]
    review_all(call)
    started = time.perf_counter()
    ranked = len(mobility_services.rank_applications(call).entries)
    ranking_seconds = time.perf_counter() - started
    return {
        "generator": "locust (headless)",
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
        f"({rush['late']} of them submit after the deadline), driven by {rush['generator']}",
        "",
        "| figure | value | goal |",
        "|---|---|---|",
        f"| requests (save, upload, submit) | {rush['requests']} | |",
        f"| errors | {rush['errors']} | {goals['errors']} {mark[rush['errors'] <= goals['errors']]} |",
        f"| drafts or files lost | {rush['lost']} | {goals['lost']} {mark[rush['lost'] <= goals['lost']]} |",
        f"| drafts saved before the deadline / in the database | {rush['saved_drafts']} / "
        f"{rush['drafts_in_database']} | |",
        f"| files saved before the deadline / documents in the database / files in the storage | "
        f"{rush['saved_files']} / {rush['documents_in_database']} / {rush['files_in_storage']} | |",
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
