"""`make bench`: the portal's speed and memory against its goals, on a throwaway PostgreSQL database.

Loads realistic volumes, times each main page against a floor view on the same middleware stack, counts
its SQL queries, times the bulk jobs and records peak memory. Later features add a loader and pages to
SCENARIO. Goals are written beside each figure; the report says which are met and never fails a build.
"""

import cProfile
import gc
import json
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from bench import http, rush
from config import pagecache
from config.bulk import insert_rows, settle_indexes
from insights.health import academic_year_of
from insights.reports import report_file
from mobility import demo as mobility_demo
from mobility import services as mobility_services
from mobility.models import Application, CallHost, ExchangeCall, HostChoice, Review, Score, SelectionCriterion
from notifications import services as notification_services
from notifications.models import Notification
from partnerships import demo as partnerships_demo
from partnerships import services
from partnerships.models import Agreement, Partner
from visits import demo as visits_demo
from visits.models import DelegationMember, Visit

BENCH_OFFICE = "bench-office@kopir.example"
UNIVERSITIES = settings.BASE_DIR.parent / "shared" / "data" / "world_universities_and_domains.json"
# The whole of `make bench` at full scale, every section (and its data) included.
TOTAL_SECONDS = 15 * 60
# The admin is timed against 100,000 agreements at full scale; the small scale keeps one per two partners.
SCALES = {
    "small": {"universities": 500, "requests": 10, "agreements": None},
    "full": {"universities": None, "requests": 50, "agreements": 100_000},
}
# A slow page's times are stable long before its last request: each page is timed `requests` times, or as many
# as fit in PAGE_BUDGET_MS, but never fewer than MIN_REQUESTS (the p95 of 20 is their largest, a cautious figure).
MIN_REQUESTS = 20
PAGE_BUDGET_MS = 5_000
# Bulk jobs: one query per batch; building model instances (with their translated columns) dominates.
GOALS = {"bulk_rows_per_second": 1_000, "peak_rss_mb": 768}
# Each page's budget: SQL queries, 95th-percentile server time, and times the floor's median.
PUBLIC_PAGE = {"queries": 3, "p95_ms": 50, "floor_ratio": 30}
SIGNED_IN_PAGE = {"queries": 6, "p95_ms": 80, "floor_ratio": 50}
ADMIN_PAGE = {"queries": 12, "p95_ms": 250, "floor_ratio": 800}
# A long change form reads its record, each inline once and each list of choices once, whatever their length.
CHANGE_PAGE = {"queries": 30, "p95_ms": 250, "floor_ratio": 800}
DIRECTORY_PAGE = {"queries": 10, "p95_ms": 300, "floor_ratio": 1200}
# A search of the directory at 10,000+ published partners, its facet counts included: the indexes answer it.
SEARCH_PAGE = {"queries": 10, "p95_ms": 30, "floor_ratio": 10}
# import_universities: the whole world list (10,251 records) in 5 seconds.
IMPORT_ROWS_PER_SECOND = 2_000
DETAIL_PAGE = {"queries": 11, "p95_ms": 50, "floor_ratio": 150}
# The admin index with the dashboard: a dozen counts over every agreement, call, visit and mobility.
DASHBOARD_PAGE = {"queries": 30, "p95_ms": 250, "floor_ratio": 800}
# The review before renewal: the health of every active agreement ending within the horizon.
RENEWAL_PAGE = {"queries": 30, "p95_ms": 1_000, "floor_ratio": 3_000}
# Ranking every application of a call is the one page whose work grows with the data (its queries do not).
RANKING_PAGE = {"queries": 16, "p95_ms": 1_500, "floor_ratio": 20_000}
RANKED_APPLICATIONS = 2_000
# The reminder sweep over every agreement, visit and application. Batched: its queries must not grow with the data.
SWEEP_SCALES = {
    "small": {"agreements": 5_000, "visits": 1_000, "applications": 5_000},
    "full": {"agreements": 100_000, "visits": 20_000, "applications": 50_000},
}
SWEEP_APPLICANTS = 500  # every applicant applies to every generated call
SWEEP_GOALS = {"queries": 30, "seconds": 30, "peak_traced_mb": 512}
IDLE_SWEEP_SECONDS = 2  # a sweep with nothing due, every five minutes
# The annual report of the current academic year over every generated agreement, in Chinese and Kazakh.
REPORT_GOALS = {"seconds": 60, "peak_traced_mb": 768}
SWEEP_DAY = date(2026, 3, 2)
# Upgrades: each app's latest migration, undone and done again on all the data. A migration holds its table's
# locks until it commits, so its time bounds how long it can hold up a public page (docs/deploy.md, "Upgrades").
MIGRATION_APPS = ["config", "accounts", "notifications", "partnerships", "visits", "mobility", "api", "ewp", "insights"]
MIGRATION_GOALS = {"seconds": 1.0, "from_zero_seconds": 300}


def import_partners(universities):
    """The import command's work: every university, created in bulk as prospective partners."""
    return services.import_universities(universities).created


def publish_partners():
    """The directory is timed over every imported partner, as if all were published: not part of the import."""
    Partner.objects.update(is_public=True)
    settle_indexes(Partner)


def generate_agreements(count):
    """Active agreements with one to three partners each, written by COPY (config.bulk) as the import is."""
    partner_ids = list(Partner.objects.values_list("pk", flat=True))
    kinds = [kind for kind, _label in Agreement.Kind.choices]
    ids = insert_rows(
        Agreement,
        (
            {
                "kind": kinds[n % len(kinds)],
                "title": f"Agreement {n}",
                "title_en": f"Agreement {n}",
                "status": Agreement.Status.ACTIVE,
                "signed_on": date(2024, 1, 1),
                "valid_from": date(2024, 1, 1),
                "valid_until": date(2029, 1, 1) + timedelta(days=n % 365),
            }
            for n in range(count)
        ),
    )
    links = Agreement.partners.through
    insert_rows(
        links,
        (
            {"agreement_id": agreement, "partner_id": partner_ids[(n * 7 + k) % len(partner_ids)]}
            for n, agreement in enumerate(ids)
            for k in range(1 + n % 3)
        ),
    )
    settle_indexes(Agreement)
    settle_indexes(links)
    return len(ids)


def bench_call(name, slug, *, levels, opens_at, closes_at, starts_on):
    """A published semester call for the benchmark (unsaved), its mobility five months from `starts_on`."""
    return ExchangeCall(
        title=name,
        title_en=name,
        slug=slug,
        mobility_type=ExchangeCall.MobilityType.SEMESTER,
        levels=levels,
        funding=ExchangeCall.Funding.UNIVERSITY,
        places=5,
        opens_at=opens_at,
        closes_at=closes_at,
        mobility_starts_on=starts_on,
        mobility_ends_on=starts_on + timedelta(days=152),
        is_published=True,
    )


def generate_calls(count):
    """Open exchange calls, each offering three partners as hosts."""
    partner_ids = list(Partner.objects.values_list("pk", flat=True)[:500])
    now = timezone.now()
    calls = ExchangeCall.objects.bulk_create(
        bench_call(
            f"Exchange call {n}",
            f"bench-call-{n}",
            levels=["bachelor", "master"],
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=30 + n),
            starts_on=date(2027, 9, 1),
        )
        for n in range(count)
    )
    CallHost.objects.bulk_create(
        CallHost(call=call, partner_id=partner_ids[(n * 3 + k) % len(partner_ids)])
        for n, call in enumerate(calls)
        for k in range(3)
    )
    return len(calls)


def generate_applications(count, reviewer):
    """A call with `count` submitted applications, two ranked hosts each and one complete review each."""
    call = ExchangeCall.objects.get(slug="bench-call-0")
    call.places = count // 10
    call.save(update_fields=["places"])
    CallHost.objects.filter(call=call).update(places=count // 20)
    hosts = list(call.partners.values_list("pk", flat=True))
    criteria = [
        SelectionCriterion.objects.create(call=call, name="GPA", name_en="GPA", weight=60),
        SelectionCriterion.objects.create(call=call, name="Motivation", name_en="Motivation", weight=40),
    ]
    applicants = User.objects.bulk_create(
        User(email=f"applicant{n}@bench.example", role=User.Role.STUDENT) for n in range(count)
    )
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            applicant=applicant,
            status=Application.Status.UNDER_REVIEW,
            level="bachelor",
            gpa=Decimal(250 + n % 150) / 100,
            submitted_at=now - timedelta(minutes=n),
        )
        for n, applicant in enumerate(applicants)
    )
    HostChoice.objects.bulk_create(
        HostChoice(application=application, partner_id=hosts[(n + k) % len(hosts)], rank=k + 1)
        for n, application in enumerate(applications)
        for k in range(2)
    )
    reviews = Review.objects.bulk_create(
        Review(application=application, reviewer=reviewer) for application in applications
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, points=(n * 37 + k * 11) % 101)
        for n, review in enumerate(reviews)
        for k, criterion in enumerate(criteria)
    )
    return call


def rank(call):
    """The ranking service over every application of the call; returns how many were ranked."""
    return len(mobility_services.rank_applications(call).entries)


def generate_reminder_data(agreements, visits, coordinators):
    """Agreements ending over the next four years and visits around the sweep day, with their delegations.

    Each agreement has one of the coordinators; each visit a head of delegation and a member with accounts.
    """
    insert_rows(
        Agreement,
        (
            {
                "kind": Agreement.Kind.MOU,
                "title": f"Reminder agreement {n}",
                "title_en": f"Reminder agreement {n}",
                "status": Agreement.Status.ACTIVE,
                "signed_on": date(2023, 1, 1),
                "valid_from": date(2023, 1, 1),
                "valid_until": SWEEP_DAY + timedelta(days=n % 1460),
                "coordinator_id": coordinators[n % len(coordinators)],
            }
            for n in range(agreements)
        ),
    )
    created = insert_rows(
        Visit,
        (
            {
                "direction": Visit.Direction.OUTGOING,
                "title": f"Visit {n}",
                "title_en": f"Visit {n}",
                "country": "CN",
                "starts_on": SWEEP_DAY + timedelta(days=(n * 37) % 400 - 200),
                "ends_on": SWEEP_DAY + timedelta(days=(n * 37) % 400 - 196),
                "status": Visit.Status.CONFIRMED if (n * 37) % 400 >= 200 else Visit.Status.COMPLETED,
            }
            for n in range(visits)
        ),
    )
    insert_rows(
        DelegationMember,
        (
            {"visit_id": visit, "user_id": coordinators[(n + k) % len(coordinators)], "role": role}
            for n, visit in enumerate(created)
            for k, role in enumerate((DelegationMember.Role.HEAD, DelegationMember.Role.MEMBER))
        ),
    )
    for model in (Agreement, Visit, DelegationMember):
        settle_indexes(model)


def generate_reminder_applications(count, applicants, reviewers):
    """Calls closing one to three days after the sweep day, each with every applicant: half drafts, half
    submitted the day before (for the reviewers' digest)."""
    first = ExchangeCall.objects.count()
    zone = timezone.get_default_timezone()
    calls = ExchangeCall.objects.bulk_create(
        bench_call(
            f"Reminder call {n}",
            f"reminder-call-{n}",
            levels=["bachelor"],
            opens_at=datetime.combine(SWEEP_DAY - timedelta(days=30), time_of_day(9), tzinfo=zone),
            closes_at=datetime.combine(SWEEP_DAY + timedelta(days=1 + n % 3), time_of_day(18), tzinfo=zone),
            starts_on=date(2026, 9, 1),
        )
        for n in range(first, first + count // len(applicants))
    )
    ExchangeCall.reviewers.through.objects.bulk_create(
        ExchangeCall.reviewers.through(exchangecall_id=call.pk, user_id=reviewers[n % len(reviewers)])
        for n, call in enumerate(calls)
    )
    submitted_at = datetime.combine(SWEEP_DAY - timedelta(days=1), time_of_day(11), tzinfo=zone)
    insert_rows(
        Application,
        (
            {
                "call_id": call.pk,
                "applicant_id": applicant.pk,
                "status": Application.Status.SUBMITTED if k % 2 else Application.Status.DRAFT,
                "submitted_at": submitted_at if k % 2 else None,
            }
            for call in calls
            for k, applicant in enumerate(applicants)
        ),
    )
    settle_indexes(Application)


def timed_sweep(label):
    """One sweep: its time, SQL queries, peak traced memory and notices; emails are counted, not sent."""
    queries = []
    tracemalloc.start()
    started = time.perf_counter()
    with (
        connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)),
        mock.patch("notifications.tasks.send_notification_email.delay") as enqueue,
    ):
        result = notification_services.sweep_reminders(today=SWEEP_DAY)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "sweep": label,
        "agreements": Agreement.objects.count(),
        "visits": Visit.objects.count(),
        "applications": Application.objects.count(),
        "notices": result.claimed,
        "emails_queued": enqueue.call_count,
        "queries": len(queries),
        "seconds": round(seconds, 3),
        "peak_traced_mb": round(peak / 2**20, 1),
    }


def bench_sweep(scale):
    """The sweep at a tenth of the data and at all of it (from scratch each), then again with nothing new."""
    sizes = SWEEP_SCALES[scale]
    coordinators = [
        User.objects.create_user(f"bench-coordinator-{n}@kopir.example", role=User.Role.FACULTY, language="kk").pk
        for n in range(50)
    ]
    for n in range(3):
        User.objects.create_user(f"bench-staff-{n}@kopir.example", role=User.Role.STAFF)
    # Content types are cached for the life of the process: load them first so both sizes count alike.
    ContentType.objects.get_for_models(Agreement, Visit, User, Application)
    tenth = {key: value // 10 for key, value in sizes.items()}
    generate_reminder_data(tenth["agreements"], tenth["visits"], coordinators)
    applicants = User.objects.bulk_create(
        User(email=f"bench-applicant-{n}@kopir.example", role=User.Role.STUDENT, language="ru")
        for n in range(SWEEP_APPLICANTS)
    )
    generate_reminder_applications(tenth["applications"], applicants, coordinators)
    figures = [timed_sweep("A tenth of the data, first sweep")]
    Notification.objects.all().delete()
    generate_reminder_data(sizes["agreements"] - tenth["agreements"], sizes["visits"] - tenth["visits"], coordinators)
    generate_reminder_applications(sizes["applications"] - tenth["applications"], applicants, coordinators)
    figures.append(timed_sweep("All the data, first sweep"))
    figures.append(timed_sweep("All the data, next sweep (nothing new)"))
    return figures


def timed_migrate(targets) -> dict[str, dict]:
    """`migrate` to these targets; per migration, the seconds of its transaction and of its locks: from its first
    statement on a table to its commit (rendering models in Python before it locks nothing)."""
    figures, clock = {}, {}

    def progress(action, migration=None, fake=False):
        if action in {"apply_start", "unapply_start"}:
            clock.update(started=time.perf_counter(), first=None, statements=0)
        elif action in {"apply_success", "unapply_success"}:
            now = time.perf_counter()
            figures[str(migration)] = {
                "seconds": round(now - clock["started"], 3),
                "locked_seconds": round(now - clock["first"], 3) if clock["first"] else 0.0,
                "statements": clock["statements"],
            }

    def watch(execute, sql, params, many, context):
        if clock and "django_migrations" not in sql:
            clock["statements"] += 1
            clock["first"] = clock["first"] or time.perf_counter()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        MigrationExecutor(connection, progress).migrate(targets)
    return figures


def migration_round_trips():
    """Each app's latest migration undone, then done again, on the full data: the seconds of each way."""
    figures = []
    graph = MigrationLoader(connection).graph
    for app in MIGRATION_APPS:
        leaf = next((node for node in graph.leaf_nodes() if node[0] == app), None)
        parents = [parent.key for parent in graph.node_map[leaf].parents if parent.key[0] == app] if leaf else []
        if not parents:
            continue
        try:
            backward = timed_migrate([parents[0]])
        except IrreversibleError:
            backward = None
        forward = timed_migrate(graph.leaf_nodes())
        figures.append(
            {
                "migration": f"{app}.{leaf[1]}",
                "backward_seconds": None
                if backward is None
                else max((f["seconds"] for f in backward.values()), default=0),
                "forward_seconds": max((f["seconds"] for f in forward.values()), default=0),
                "statements": sum(f["statements"] for f in forward.values()),
                "locked_seconds": max((f["locked_seconds"] for f in forward.values()), default=0),
            }
        )
    return figures


@contextmanager
def section(sections, name):
    """Time one section of the bench into `sections` ({name: seconds}), and say so as it ends."""
    started = time.perf_counter()
    try:
        yield
    finally:
        sections[name] = round(time.perf_counter() - started, 1)
        sys.stderr.write(f"bench: {name} took {sections[name]} s\n")


def benchmark(scale, universities, *, only=None, keep=False):
    """Run every figure (or only `only`'s) on a throwaway copy of the database (created and destroyed here);
    returns the report. With `keep`, the loaded data is kept in a database of its own and the next run with
    `keep` starts from a copy of it, skipping the migrations from zero and the data load."""
    if connection.vendor != "postgresql":
        raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL.")
    if not universities.exists():
        raise CommandError(f"No universities file at {universities}.")
    config = SCALES[scale]
    records = json.loads(universities.read_text(encoding="utf-8"))[: config["universities"]]
    creation = connection.creation
    sections = {}
    started = time.perf_counter()
    kept = f"{creation._get_test_db_name()}_kept_{scale}" if keep else None
    reused = kept is not None and database_exists(kept)
    with section(sections, "kept data copied, pending migrations" if reused else "migrations from zero"):
        # Without a kept copy: every migration, from zero.
        name = copy_kept(kept) if reused else creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    from_zero = None if reused else round(time.perf_counter() - started, 3)
    try:
        with override_settings(
            ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], DEBUG=False, STAFF_MFA_REQUIRED=True
        ):
            with section(sections, "data: universities, agreements, demo, calls, applications"):
                loaded = kept_data() if reused else load(records, config["agreements"])
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # the planner sees the loaded volumes, as autovacuum would later
                if kept and not reused:
                    keep_copy(name, kept)
            report = run(records, config["requests"], scale, loaded, sections=sections, only=only)
            if only is None:
                with section(sections, "latest migrations undone and redone"):
                    report["migrations"] = {"from_zero_seconds": from_zero, "latest": migration_round_trips()}
                report["migration_goals"] = MIGRATION_GOALS
            report["sections"] = sections
            report["total_seconds"] = round(time.perf_counter() - started, 1)
            return report
    finally:
        creation.destroy_test_db(name, verbosity=0)


def database_exists(name) -> bool:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def clone_database(source, target):
    """`target` as a file copy of `source` (which no connection may use meanwhile), replacing any `target`."""
    connection.close()
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")  # nosec B608 (names of the bench's databases)
        cursor.execute(
            f"CREATE DATABASE {quote(target)} TEMPLATE {quote(source)} STRATEGY FILE_COPY"  # nosec B608 (as above)
        )


def keep_copy(name, kept):
    """The loaded bench database, kept as `kept` for the next run with --keep."""
    clone_database(name, kept)
    sys.stderr.write(f"bench: the loaded data is kept in the database {kept} (dropdb it to load afresh)\n")


def copy_kept(kept):
    """The bench database as a copy of the kept one, with the migrations written since applied; returns its name."""
    name = connection.creation._get_test_db_name()
    clone_database(kept, name)
    settings.DATABASES[connection.alias]["NAME"] = connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)
    return name


def kept_data():
    """What `load` returns, read from a kept database: no bulk job was timed, the office user, the ranked call."""
    return [], User.objects.get(email=BENCH_OFFICE), ExchangeCall.objects.get(slug="bench-call-0")


def load(records, agreements):
    """The bench's data, timed as bulk jobs where it is one: returns those jobs, the office user, the ranked call."""
    bulk = [bulk_job("Import universities (import_universities)", import_partners, records)]
    bulk[0]["goal_rows_per_second"] = IMPORT_ROWS_PER_SECOND
    publish_partners()
    bulk.append(bulk_job("Generate active agreements", generate_agreements, agreements or max(len(records) // 2, 1)))
    partnerships_demo.seed()
    staff = User.objects.create_user(BENCH_OFFICE, role=User.Role.STAFF, is_superuser=True)
    partnerships_demo.seed_xinjiang(coordinator=staff)
    visits_demo.seed(owner=staff, call=mobility_demo.seed(office=staff))
    TOTP.activate(staff, generate_totp_secret())
    bulk.append(bulk_job("Generate open exchange calls", generate_calls, 100))
    ranked_call = generate_applications(RANKED_APPLICATIONS, staff)
    bulk.append(bulk_job(f"Rank {RANKED_APPLICATIONS:,} applications", rank, ranked_call))
    return bulk, staff, ranked_call


def run(records, requests, scale, loaded, *, sections=None, only=None):
    """Time the pages (and, unless `only` is "admin", the other sections) over the `loaded` data."""
    sections = {} if sections is None else sections
    bulk, staff, ranked_call = loaded
    # Pages are timed as a web worker serves them: what the bench holds in memory (the universities' list, what the
    # loading left behind) is no worker's, so the collector's full passes must not walk it during a timed request.
    gc.collect()
    gc.freeze()
    anonymous, office, applicant = Client(), Client(), Client()
    office.force_login(staff)
    applicant.force_login(User.objects.get(email="applicant0@bench.example"))
    pages = [
        ("Floor (empty view, same middleware)", anonymous, "/bench-floor/", PUBLIC_PAGE),
        ("Home", anonymous, "/en/", PUBLIC_PAGE),
        ("Home in Chinese", anonymous, "/zh-hans/", PUBLIC_PAGE),
        ("Partner directory", anonymous, "/en/partners/", DIRECTORY_PAGE),
        ("Directory: search in Chinese", anonymous, "/zh-hans/partners/?q=新疆", SEARCH_PAGE),
        ("Directory: search in Latin letters", anonymous, "/en/partners/?q=university", SEARCH_PAGE),
        ("Directory: search in Cyrillic", anonymous, "/ru/partners/?q=Синьцзянский", SEARCH_PAGE),
        ("Directory: search, misspelt", anonymous, "/en/partners/?q=Xinjang", SEARCH_PAGE),
        ("Directory: search by city", anonymous, "/kk/partners/?q=Urumqi", SEARCH_PAGE),
        (
            "Directory: China, most agreements",
            anonymous,
            "/ru/partners/?country=CN&sort=-agreements",
            DIRECTORY_PAGE,
        ),
        ("Directory: page 100", anonymous, "/en/partners/?page=100", DIRECTORY_PAGE),
        ("Partner page", anonymous, "/kk/partners/xinjiang-university/", DETAIL_PAGE),
        ("Partners in numbers (world map)", anonymous, "/en/partners/map/", PUBLIC_PAGE),
        ("Programs", anonymous, "/en/programs/", DETAIL_PAGE),
        ("News of visits", anonymous, "/en/visits/", DETAIL_PAGE),
        ("News article", anonymous, "/zh-hans/visits/official-visit-to-xinjiang-university/", DETAIL_PAGE),
        ("Exchange calls", anonymous, "/en/mobility/", DETAIL_PAGE),
        ("Exchange call", anonymous, "/kk/mobility/semester-exchange-xinjiang-university/", DETAIL_PAGE),
        ("Sign in", anonymous, "/en/accounts/login/", SIGNED_IN_PAGE),
        ("Health check", anonymous, "/healthz", PUBLIC_PAGE),
        ("My applications", applicant, "/ru/mobility/applications/", DETAIL_PAGE),
        (
            f"Selection: ranking of {RANKED_APPLICATIONS:,} applications",
            office,
            f"/en/mobility/review/{ranked_call.slug}/",
            RANKING_PAGE,
        ),
        ("Admin: index with the dashboard", office, "/en/admin/", DASHBOARD_PAGE),
        ("Admin: agreements to review before renewal", office, "/en/admin/insights/agreementhealth/", RENEWAL_PAGE),
        ("Admin: exchange calls", office, "/en/admin/mobility/exchangecall/", ADMIN_PAGE),
        ("Admin: applications", office, "/en/admin/mobility/application/", ADMIN_PAGE),
        ("Admin: users", office, "/en/admin/accounts/user/", ADMIN_PAGE),
        ("Admin: users, search", office, "/en/admin/accounts/user/?q=university", ADMIN_PAGE),
        ("Admin: partners", office, "/en/admin/partnerships/partner/", ADMIN_PAGE),
        (
            "Admin: agreements expiring in 90 days",
            office,
            "/en/admin/partnerships/agreement/?expiry=90",
            ADMIN_PAGE,
        ),
        *admin_pages(office, ranked_call),
    ]
    if only == "admin":
        pages = [pages[0], *(page for page in pages if page[0].startswith("Admin:"))]
    report = {
        "scale": scale,
        "rows": {
            "universities": len(records),
            "partners": Partner.objects.count(),
            "agreements": Agreement.objects.count(),
        },
        "requests_per_page": requests,
        "bulk_jobs": bulk,
        "goals": GOALS,
    }
    with section(sections, "pages in process, profiles"):
        figures = [time_page(label, client, url, requests) | {"goals": goals} for label, client, url, goals in pages]
        floor_median = figures[0]["median_ms"]
        for figure in figures:
            figure["floor_ratio"] = round(figure["median_ms"] / floor_median, 1) if floor_median else None
        report["pages"] = figures
        if only is None:
            review = Application.objects.filter(call=ranked_call).order_by("pk").first()
            report["profiles"] = [
                profile_page("My applications", applicant, "/ru/mobility/applications/", requests),
                profile_page("Partner page, rendered afresh", anonymous, "/en/partners/xinjiang-university/", requests),
            ]
    if only is None:
        with section(sections, "pages over HTTP"):
            report["http"] = http.bench_http(scale, http_pages(applicant, office, review))
        with section(sections, "deadline rush"):
            report["rush"] = rush.bench_rush(scale)
        with section(sections, "annual reports"):
            report["reports"], report["report_goals"] = bench_reports(), REPORT_GOALS
        with section(sections, "reminder sweeps"):
            report["sweeps"], report["sweep_goals"] = bench_sweep(scale), SWEEP_GOALS
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return report


# Where a request's time goes, by the file of the function that spends it (first match wins).
AREAS = [
    ("database (driver and ORM)", ("psycopg", "django/db/")),
    ("templates", ("django/template/", "templatetags")),
    ("translation and languages", ("django/utils/translation", "modeltranslation", "gettext", "babel")),
    ("middleware and request handling", ("django/core/handlers", "middleware", "django/http/", "django/urls/")),
    ("sessions and auth", ("django/contrib/sessions", "django/contrib/auth", "allauth")),
    ("the portal's code", ("/accounts/", "/config/", "/mobility/", "/partnerships/", "/visits/", "/notifications/")),
]


def profile_page(label, client, url, requests):
    """cProfile over `requests` renderings of the page: the share of time in each area, and the top functions."""
    profiler = cProfile.Profile()
    for _ in range(requests):
        pagecache.content_changed(*pagecache.kinds())  # each one rendered, not served from the cache
        profiler.enable()
        client.get(url, secure=True)
        profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(entry[2] for entry in stats.values()) or 1
    areas = dict.fromkeys([name for name, _patterns in AREAS] + ["other (Python, libraries)"], 0.0)
    for (filename, _line, _function), entry in stats.items():
        area = next((name for name, patterns in AREAS if any(p in filename for p in patterns)), None)
        areas[area or "other (Python, libraries)"] += entry[2]
    top = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:8]
    return {
        "page": label,
        "url": url,
        "ms_per_request": round(1000 * total / requests, 2),
        "areas": {name: round(100 * seconds / total, 1) for name, seconds in areas.items()},
        "top": [
            {
                "function": f"{Path(filename).parent.name}/{Path(filename).name}:{function}",
                "share": round(100 * entry[2] / total, 1),
            }
            for (filename, _line, function), entry in top
        ],
    }


def http_pages(applicant, office, review):
    """The pages loaded over HTTP: every public page (cached for anonymous readers) and the signed-in ones."""
    student = f"{settings.SESSION_COOKIE_NAME}={applicant.cookies[settings.SESSION_COOKIE_NAME].value}"
    staff = f"{settings.SESSION_COOKIE_NAME}={office.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [
        ("Home", "/en/", None, "public"),
        ("Home in Chinese", "/zh-hans/", None, "public"),
        ("Partner directory", "/en/partners/", None, "public"),
        ("Directory: China, most agreements", "/ru/partners/?country=CN&sort=-agreements", None, "public"),
        ("Directory: search in Chinese (cached after the first)", "/zh-hans/partners/?q=新疆", None, "search"),
        ("Directory: search in Latin (cached after the first)", "/en/partners/?q=university", None, "search"),
        ("Directory: search in Cyrillic (cached after the first)", "/ru/partners/?q=Синьцзянский", None, "search"),
        ("Directory: search, misspelt (cached after the first)", "/en/partners/?q=Xinjang", None, "search"),
        ("Directory: search by city (cached after the first)", "/kk/partners/?q=Urumqi", None, "search"),
        ("Partner page", "/en/partners/xinjiang-university/", None, "public"),
        ("Programs", "/en/programs/", None, "public"),
        ("News of visits", "/en/visits/", None, "public"),
        ("News article", "/zh-hans/visits/official-visit-to-xinjiang-university/", None, "public"),
        ("Exchange calls", "/en/mobility/", None, "public"),
        ("Exchange call", "/kk/mobility/semester-exchange-xinjiang-university/", None, "public"),
        ("My applications (signed in)", "/ru/mobility/applications/", student, "signed_in"),
        ("Notifications (signed in)", "/en/notifications/", student, "signed_in"),
        ("Review of an application (office)", f"/en/mobility/review/applications/{review.pk}/", staff, "signed_in"),
        # What bounds the signed-in pages: the empty view with the session read and the user signed in.
        (http.SIGNED_IN_FLOOR, "/bench-floor/", staff, None),
    ]


def admin_pages(office, ranked_call):
    """The office's admin lists and country filters at full data, and the demo's longest change forms."""
    visit = Visit.objects.annotate(n=Count("agenda", distinct=True) + Count("outcomes", distinct=True)).latest("n")
    agreement = Agreement.objects.filter(conditions__isnull=False).order_by("pk").first()
    application = Application.objects.filter(call=ranked_call).order_by("pk").first()
    change = {
        "partner": Partner.objects.get(slug="xinjiang-university").pk,
        "agreement": agreement.pk,
        "visit": visit.pk,
        "exchangecall": ExchangeCall.objects.get(slug="semester-exchange-xinjiang-university").pk,
        "application": application.pk,
    }
    apps = {"partner": "partnerships", "agreement": "partnerships", "visit": "visits"}
    urls = {model: f"/en/admin/{apps.get(model, 'mobility')}/{model}/{pk}/change/" for model, pk in change.items()}
    return [
        ("Admin: partners in China", office, "/en/admin/partnerships/partner/?country=CN", ADMIN_PAGE),
        ("Admin: agreements", office, "/en/admin/partnerships/agreement/", ADMIN_PAGE),
        (
            "Admin: agreements with partners in China",
            office,
            "/ru/admin/partnerships/agreement/?country=CN",
            ADMIN_PAGE,
        ),
        ("Admin: visits", office, "/en/admin/visits/visit/", ADMIN_PAGE),
        *((f"Admin: change {model}", office, url, CHANGE_PAGE) for model, url in urls.items()),
    ]


def bench_reports():
    """The annual report of the current academic year as a spreadsheet and as PDF, timed once each."""
    year = academic_year_of(timezone.localdate())
    figures = []
    for fmt, language in [("xlsx", "zh-hans"), ("pdf", "zh-hans"), ("pdf", "kk")]:
        tracemalloc.start()
        started = time.perf_counter()
        content, name, _content_type = report_file(year, language, fmt)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures.append(
            {
                "report": name,
                "kb": round(len(content) / 1024),
                "seconds": round(seconds, 3),
                "peak_traced_mb": round(peak / 2**20, 1),
            }
        )
    return figures


def bulk_job(label, job, *args):
    tracemalloc.start()
    started = time.perf_counter()
    rows = job(*args)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "job": label,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_traced_mb": round(peak / 2**20, 1),
    }


def time_page(label, client, url, requests):
    client.get(url, secure=True)  # warm caches and connections
    # The queries of a fresh rendering (a cached page costs none), then the times as served.
    pagecache.content_changed(*pagecache.kinds())
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        status = client.get(url, secure=True).status_code
    # A search is timed as new readers' searches, each rendered afresh: every request its own address (an extra
    # parameter the directory ignores), so no request is a page-cache hit; other pages as served, mostly cached.
    fresh = "q" in parse_qs(urlsplit(url).query)
    timings = []
    for number in range(requests):
        address = f"{url}&fresh={number}" if fresh else url
        started = time.perf_counter()
        client.get(address, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        if len(timings) >= MIN_REQUESTS and sum(timings) > PAGE_BUDGET_MS:
            break
    timings.sort()
    return {
        "page": label,
        "url": url,
        "status": status,
        "rendered_afresh": fresh,
        **(afresh_bound(client, url) if fresh else {}),
        "queries": len(queries),
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 2),
    }


def afresh_bound(client, url):
    """What bounds a page rendered afresh: its queries' time in the database and, for a directory search, how many
    partners it matches (every match is ordered and counted for the facets)."""
    spent = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    with connection.execute_wrapper(timed):
        client.get(f"{url}&fresh=bound", secure=True)
    bound = {"sql_ms": round(1000 * sum(spent), 2)}
    query = parse_qs(urlsplit(url).query)
    if "/partners/" in url:
        bound["matches"] = Partner.objects.public().search(query["q"][0]).count()
    return bound


def write_report(report, output) -> str:
    """Write report.json and report.md into `output`; returns the Markdown."""
    output.mkdir(parents=True, exist_ok=True)
    (output / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    goals = report["goals"]
    mark = {True: "met", False: "MISSED"}
    lines = [
        f"# Köpir benchmark ({report['scale']})",
        "",
        f"Rows: {report['rows']}; {report['requests_per_page']} timed requests per page (a slow page: as many as fit "
        f"in {PAGE_BUDGET_MS // 1000} s, at least {MIN_REQUESTS}). "
        "Each figure is followed by its goal and whether it is met.",
        "",
        "| page | status | queries | median ms | p95 ms | × floor |",
        "|---|---|---|---|---|---|",
    ]
    for page in report["pages"]:
        cells = [
            f"{page[figure]} (≤ {limit}, {mark[page[figure] <= limit]})" for figure, limit in page["goals"].items()
        ]
        queries, p95, ratio = cells
        name = f"{page['page']} (rendered afresh each request)" if page.get("rendered_afresh") else page["page"]
        lines.append(f"| {name} | {page['status']} | {queries} | {page['median_ms']} | {p95} | {ratio} |")
    bounds = [
        f"- {page['page']}: its queries take {page['sql_ms']} ms of a fresh rendering in the database"
        + (f"; partners matched: {page['matches']}, every one ordered and counted" if "matches" in page else "")
        + "; the rest is Python and the template."
        for page in report["pages"]
        if "sql_ms" in page and any(page[figure] > limit for figure, limit in page["goals"].items())
    ]
    if bounds:
        lines += ["", "What bounds a missed goal of a page rendered afresh:", *bounds]
    lines += ["", f"| bulk job | rows | seconds | rows/s (goal ≥ {goals['bulk_rows_per_second']}) | peak MB |"]
    lines.append("|---|---|---|---|---|")
    for job in report["bulk_jobs"]:
        goal = job.get("goal_rows_per_second", goals["bulk_rows_per_second"])
        met = mark[(job["rows_per_second"] or 0) >= goal]
        lines.append(
            f"| {job['job']} | {job['rows']} | {job['seconds']} | {job['rows_per_second']} (≥ {goal}) {met} "
            f"| {job['peak_traced_mb']} |"
        )
    if "sweeps" in report:
        sweep_goals = report["sweep_goals"]
        constant = len({sweep["queries"] for sweep in report["sweeps"][:2]}) == 1
        lines += [
            "",
            f"Reminder sweep: the same queries at a tenth and at all of the data ({mark[constant]}); goals: "
            f"≤ {sweep_goals['queries']} queries, ≤ {sweep_goals['seconds']} s (≤ {IDLE_SWEEP_SECONDS} s with nothing "
            f"new), ≤ {sweep_goals['peak_traced_mb']} MB.",
            "",
            "| sweep | agreements | visits | applications | notices | emails queued | queries | seconds | peak MB |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for sweep in report["sweeps"]:
            limits = {**sweep_goals, **({"seconds": IDLE_SWEEP_SECONDS} if "nothing new" in sweep["sweep"] else {})}
            cells = [f"{sweep[figure]} {mark[sweep[figure] <= limit]}" for figure, limit in limits.items()]
            lines.append(
                f"| {sweep['sweep']} | {sweep['agreements']} | {sweep['visits']} | {sweep['applications']} "
                f"| {sweep['notices']} "
                f"| {sweep['emails_queued']} | {' | '.join(cells)} |"
            )
    if "migrations" in report:
        migrations, migration_goals = report["migrations"], report["migration_goals"]
        from_zero = migrations["from_zero_seconds"]
        zero_goal = migration_goals["from_zero_seconds"]
        lines += [
            "",
            "Migrations: every one from zero on an empty database "
            + ("not run (a copy of the kept data); " if from_zero is None else "")
            + (f"{from_zero} s (≤ {zero_goal}, {mark[from_zero <= zero_goal]}); " if from_zero is not None else "")
            + f"each app's latest undone and done again on all the data above (goal ≤ {migration_goals['seconds']} s "
            "locked: from a migration's first statement on a table to its commit, the longest a page can wait on it).",
            "",
            "| migration | backward s | forward s | SQL statements | locked s |",
            "|---|---|---|---|---|",
        ]
        for migration in migrations["latest"]:
            locked = migration["locked_seconds"]
            backward = "irreversible" if migration["backward_seconds"] is None else migration["backward_seconds"]
            lines.append(
                f"| {migration['migration']} | {backward} | {migration['forward_seconds']} | {migration['statements']} "
                f"| {locked} {mark[locked <= migration_goals['seconds']]} |"
            )
    if "reports" in report:
        report_goals = report["report_goals"]
        lines += [
            "",
            f"Annual report of the current academic year; goals: ≤ {report_goals['seconds']} s, "
            f"≤ {report_goals['peak_traced_mb']} MB.",
            "",
            "| report | KB | seconds | peak MB |",
            "|---|---|---|---|",
        ]
        for made in report["reports"]:
            cells = [f"{made[figure]} {mark[made[figure] <= limit]}" for figure, limit in report_goals.items()]
            lines.append(f"| {made['report']} | {made['kb']} | {' | '.join(cells)} |")
    peak = report["peak_rss_mb"]
    lines += [
        "",
        f"Peak memory (RSS): {peak} MB (goal ≤ {goals['peak_rss_mb']}) {mark[peak <= goals['peak_rss_mb']]}",
    ]
    for profile in report.get("profiles", []):
        lines += [
            "",
            f"Profile of {profile['page']} ({profile['url']}): {profile['ms_per_request']} ms a request (own time "
            "under cProfile), by area: " + ", ".join(f"{name} {share} %" for name, share in profile["areas"].items()),
            "; top functions: " + ", ".join(f"{entry['function']} {entry['share']} %" for entry in profile["top"]),
        ]
    if "http" in report:
        lines += http.report_lines(report["http"])
    if "rush" in report:
        lines += rush.report_lines(report["rush"])
    if "sections" in report:
        total = report["total_seconds"]
        lines += ["", "| section | seconds | share |", "|---|---|---|"]
        lines += [
            f"| {name} | {seconds} | {round(100 * seconds / total) if total else 0} % |"
            for name, seconds in sorted(report["sections"].items(), key=lambda item: -item[1])
        ]
        met = mark[total <= TOTAL_SECONDS]
        lines.append(f"| the whole bench | {total} (goal ≤ {TOTAL_SECONDS}, {met}) | 100 % |")
    text = "\n".join(lines) + "\n"
    (output / "report.md").write_text(text, encoding="utf-8")
    return text
