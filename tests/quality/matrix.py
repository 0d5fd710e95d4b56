"""What the permission matrix and the form gate walk: every URL pattern, its concrete paths, and a world to walk.

The world is the demo story plus objects in every state a person can meet them in (applications from draft to
nominated and withdrawn, visits from proposed to reported, agreements from draft to active and ended), each put
there through the services, and one person for every role that sees the portal differently.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from accounts.models import User
from api.services import issue_token, record_token_use
from config.exports import expire_exports, queue_list_export, run_export
from ewp import partner_copy
from insights.services import open_renewal_review
from mobility import demo as mobility_demo
from mobility import services as mobility_services
from mobility.models import Application, ApplicationDocument, ExchangeCall
from notifications.services import notify, rule_settings, store_emails
from partnerships import demo as partnerships_demo
from partnerships import services as partnership_services
from partnerships.models import (
    Agreement,
    AgreementDocument,
    AgreementTransition,
    Contact,
    IscedField,
    Partner,
    ResearchOutput,
    ResearchProject,
)
from tests.factories import OIDCAppFactory, PartnerFactory, SAMLAppFactory, StaffFactory, UserFactory
from tests.helpers import iia_document
from visits import demo as visits_demo
from visits import services as visit_services
from visits.models import Report, TypoReport, Visit, VisitDocument
from visits.services import renew_calendar_feed

# The moment the world lives in: the demo's calls are open, so drafts can still be edited and submitted.
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = str(pattern.pattern)
            name = pattern.name or f"?{route}"
            yield (f"{namespace}:{name}" if namespace else name), prefix + route


URLS = sorted(set(walk(get_resolver().url_patterns)))

SLUGS = {
    "partners": "xinjiang-university",
    "programs": "it-xju",
    "visits": "official-visit-to-xinjiang-university",
    "news": "official-visit-to-xinjiang-university",
    "mobility": "semester-exchange-xinjiang-university",
}


def admin_model(route):
    """The model of an admin URL such as en/admin/mobility/application/<path:object_id>/change/, or None."""
    parts = ("/" + route).strip("/").split("/")
    if len(parts) > 3 and parts[1] == "admin" and parts[2] in apps.app_configs:
        return apps.get_model(parts[2], parts[3])
    return None


def concrete_paths(name, route, obj=None):
    """The URLs to request for one pattern, its arguments filled with real objects (`obj` if given)."""
    path = "/" + route
    if "(?P<app_label>" in path:
        start = path.index("(?P<app_label>")
        end = path.index(")/", start) + 1
        labels = ("auth", "account", "accounts", "partnerships", "socialaccount")
        return [
            (f"[{label}]", (path[:start] + label + path[end:]).replace("^", "").replace("$", "")) for label in labels
        ]
    model = admin_model(route)
    if obj is not None:
        pass
    elif name == "admin:partnerships_agreement_ewp_iia":
        obj = Agreement.objects.get(reference_number="MoU-XJU-2025")  # the demo's agreement whose export validates
    elif model is not None:
        latest = model.history.first() if hasattr(model, "history") else None  # an object that has a history
        # A user other than a superuser: only superusers may change those (tested in tests/accounts).
        rows = model.objects.filter(is_superuser=False) if model is User else model.objects.all()
        obj = model.objects.get(pk=latest.id) if latest else rows.first()
    elif name == "partnerships:agreement_document":
        obj = AgreementDocument.objects.first()
    elif name == "visits:document":
        obj = VisitDocument.objects.first()
    elif name == "mobility:document_download":
        obj = ApplicationDocument.objects.first()
    elif name == "mobility:review_application":
        obj = Application.objects.submitted().first()
    history = obj.history.first() if obj is not None and hasattr(obj, "history") else None
    replacements = {
        "<path:content_type_id>/<path:object_id>": f"{ContentType.objects.get_for_model(Partner).pk}/"
        f"{Partner.objects.first().pk}",
        "<path:object_id>": str(obj.pk) if obj else "1",
        "<id>": str(obj.pk) if obj else "1",
        "<int:pk>": str(obj.pk) if obj else "1",
        "([^/]+)/history/([^/]+)/": f"{obj.pk if obj else 1}/history/{history.history_id if history else 1}/",
        "<str:token>": "not-a-real-token",
        "<str:iia_id>": "kopir-1",
        "<int:host>": str(Partner.objects.get(slug="xinjiang-university").pk),
        "<str:fmt>": "xlsx",
        "<slug:step>": "about",
        "(?P<key>[-:\\w]+)": "unknown-key",
        "(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)": "zz-unknown-key",
        "(?P<url>.*)": "no-such-page/",
        "(?P<path>.*)": "nothing.png",
        "(?P<provider_id>[^/]+)": "university",
        "(?P<organization_slug>[^/]+)": "university-saml",
    }
    if "<slug:slug>" in path:
        section = path.split("/")[3 if path.startswith("/api/") else 2]  # /api/v1/partners/… or /kk/partners/…
        replacements["<slug:slug>"] = SLUGS[section]
    for placeholder, value in replacements.items():
        path = path.replace(placeholder, value)
    return [("", path.replace("^", "").replace("$", ""))]


# ---------------------------------------------------------------- the world


@dataclass
class World:
    """Who signs in (None for anonymous), and one object in each state, keyed by role and by state."""

    users: dict[str, User | None] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    visits: dict[str, Visit] = field(default_factory=dict)
    agreements: dict[str, Agreement] = field(default_factory=dict)
    hidden_partner: Partner | None = None


def with_authenticator(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def build_world() -> World:
    """The demo story, every model with at least one row, and objects in every state; call at NOW."""
    world = World()
    staff = with_authenticator(StaffFactory(language="kk"))
    reviewer = with_authenticator(UserFactory(role=User.Role.FACULTY, language="kk"))
    world.users = {
        "anonymous": None,
        "student": UserFactory(),  # signed in, nothing of their own yet
        "faculty": UserFactory(role=User.Role.FACULTY),  # no call given, no authenticator
        "reviewer": reviewer,  # the faculty member who scores the semester exchange
        "staff": staff,
        "superuser": with_authenticator(StaffFactory(is_superuser=True)),
    }
    populate_every_model(coordinator=staff, reviewer=reviewer)
    call = ExchangeCall.objects.get(slug=SLUGS["mobility"])
    for state in ("draft", "submitted", "shortlisted", "nominated", "withdrawn"):
        student = UserFactory(language="ru", full_name=f"Студент ({state})")
        world.users[f"student:{state}"] = student
        world.applications[state] = application_in(state, call=call, applicant=student, office=staff)
    # A member of the office who applies to the staff call: they never confirm its selection.
    applicant = with_authenticator(StaffFactory(language="kk"))
    world.users["staff:applicant"] = applicant
    staff_call = ExchangeCall.objects.get(slug="teaching-staff-internship-xinjiang-university")
    application_in("submitted", call=staff_call, applicant=applicant, office=staff)
    world.visits = {state: visit_in(state, by=staff) for state in Visit.Status.values}
    world.agreements = {state: agreement_in(state, by=staff) for state in Agreement.Status.values}
    xju = Partner.objects.get(slug=SLUGS["partners"])
    Contact.objects.create(
        partner=xju, name="李明", latin_name="Li Ming", email="liming@xju.example", phone="+86 991 858 0101"
    )
    world.hidden_partner = PartnerFactory(name_en="Unlisted Institute", is_public=False)
    Contact.objects.create(partner=world.hidden_partner, name="Aliya Nurova", email="a.nurova@unlisted.example")
    return world


def populate_every_model(coordinator, reviewer=None):
    """At least one row of every model, so that every admin page has an object to show."""
    partnerships_demo.seed()
    partner = partnerships_demo.seed_xinjiang(coordinator=coordinator)
    visit = visits_demo.seed(owner=coordinator, call=mobility_demo.seed(office=coordinator, reviewer=reviewer))
    application = Application.objects.submitted().first()
    ApplicationDocument.objects.create(
        application=application, kind="transcript", original_name="transcript.pdf", size=8, file="applications/t.pdf"
    ).file.save("transcript.pdf", ContentFile(b"%PDF-1.4"), save=True)
    renew_calendar_feed(coordinator)
    notify(rule="visit_preparation", obj=visit, recipients=[coordinator], stage="14")
    rule_settings()
    store_emails([EmailMessage("Köpir: welcome", "Welcome.", to=[coordinator.email])])  # one in the outbox
    TypoReport.objects.create(url="/en/", language="en", selection="Partnres")
    VisitDocument(visit=visit, kind="invitation").file.save("invitation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Group.objects.get_or_create(name="Editors")
    IscedField.objects.get(code="0231").save()  # loaded in bulk by a migration: give one a history
    project = ResearchProject.objects.create(title="Rare earth geology", title_en="Rare earth geology", is_public=True)
    project.partners.add(partner)
    ResearchOutput.objects.create(project=project, title="A paper", year=2026)
    agreement = Agreement.objects.get(reference_number="MoU-XJU-2025")
    AgreementTransition.objects.create(
        agreement=agreement, from_status="draft", to_status="negotiation", by=coordinator
    )
    document = AgreementDocument(agreement=agreement)
    document.file.save("signed.pdf", ContentFile(b"%PDF-1.4"), save=True)
    open_renewal_review(agreement, by=coordinator)
    # The coordinator's exports on My exports: one failed (its filter no longer works), one whose file expired.
    for query in ("no_such_field=1", ""):
        job = queue_list_export(model=Partner, query=query, selected=None, fmt="csv", language="kk", by=coordinator)
        run_export(job_id=job.pk)
    expire_exports(now=timezone.now() + datetime.timedelta(days=settings.EXPORT_KEEP_DAYS))
    account = SocialAccount.objects.create(user=coordinator, provider="university", uid="coordinator")
    # An identity provider that does not answer (nothing listens there): signing in with it is refused, at once.
    provider = OIDCAppFactory(settings={"server_url": "http://127.0.0.1:9/identity-provider"})
    SocialToken.objects.create(app=provider, account=account, token="not-a-real-token")
    SAMLAppFactory()
    token, _secret = issue_token(
        name="SIS",
        scopes=["agreements"],
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=coordinator,
    )
    record_token_use(token, method="GET", path="/api/v1/agreements/", status=200, client="127.0.0.1")
    # The partner's copy of the memorandum, with one condition that differs from ours.
    conditions = partner_copy.our_conditions(agreement)
    conditions[0] = dataclasses.replace(conditions[0], places=conditions[0].places + 1)
    partner_copy.import_partner_copy(iia_document(conditions), by=coordinator, agreement=agreement)


def application_in(state, *, call, applicant, office) -> Application:
    """An application of `applicant` to `call`, taken to `state` the way applicants and the office do."""
    services = mobility_services
    application = services.start_application(call, applicant=applicant)
    answers = {
        "phone": "+7 701 000 00 00",
        "language_level": "B2",
        "motivation": "I want to learn from the host and bring a joint project home.",
    }
    if applicant.role == User.Role.STUDENT:
        answers |= {
            "level": ExchangeCall.Level.BACHELOR,
            "faculty": call.faculties.first(),
            "gpa": Decimal("3.50"),
            "credits": 120,
            "year_of_study": 3,
            "has_academic_debts": False,
        }
    services.save_draft(application, values=answers)
    services.choose_hosts(application, partners=list(call.partners.all()))
    for kind in call.document_kinds:
        scan = SimpleUploadedFile(f"{kind}.pdf", mobility_demo.blank_pdf(), content_type="application/pdf")
        services.upload_document(application, kind=kind, file=scan)
    if state == "draft":
        return application
    services.submit_application(application, by=applicant)
    if state == "withdrawn":
        return services.change_application_status(application, to=state, by=applicant, comment="Plans changed.")
    if state in {"shortlisted", "nominated"}:
        points = {criterion.pk: 80 for criterion in call.criteria.all()}
        services.save_review(application, reviewer=office, points=points)
        services.change_application_status(application, to=Application.Status.SHORTLISTED, by=office)
    if state == "nominated":
        services.change_application_status(application, to=state, by=office)
    application.refresh_from_db()
    return application


VISIT_PATH = ["approved", "confirmed", "in_progress", "completed", "reported"]


def visit_in(state, *, by) -> Visit:
    """An outgoing visit to Xinjiang University taken along its lifecycle to `state`."""
    starts_on = timezone.localdate(NOW) + datetime.timedelta(days=40)
    visit = Visit.objects.create(
        title_en=f"Visit to Urumqi ({state})",
        title_kk=f"Үрімшіге сапар ({state})",
        title_ru=f"Визит в Урумчи ({state})",
        title_zh_hans=f"乌鲁木齐访问（{state}）",
        direction=Visit.Direction.OUTGOING,
        country="CN",
        city="Urumqi",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=4),
    )
    visit.partners.add(Partner.objects.get(slug=SLUGS["partners"]))
    if state == "cancelled":
        return visit_services.change_visit_status(visit, to=state, by=by, comment="The invitation was withdrawn.")
    for step in [] if state == "proposed" else VISIT_PATH[: VISIT_PATH.index(state) + 1]:
        if step == "reported":
            Report.objects.create(visit=visit, body="<p>We agreed on a joint summer school.</p>")
        visit = visit_services.change_visit_status(visit, to=step, by=by)
    return visit


# The moves that take a new agreement (a draft) to each status.
AGREEMENT_PATHS = {
    "draft": [],
    "negotiation": ["negotiation"],
    "awaiting_signature": ["negotiation", "awaiting_signature"],
    "active": ["negotiation", "awaiting_signature", "active"],
    "expired": ["negotiation", "awaiting_signature", "active", "expired"],
    "terminated": ["negotiation", "awaiting_signature", "active", "terminated"],
}


def agreement_in(state, *, by) -> Agreement:
    """A memorandum with Xinjiang University taken along its lifecycle to `state`."""
    agreement = Agreement.objects.create(
        kind=Agreement.Kind.MOU,
        title_en=f"Memorandum ({state})",
        title_kk=f"Меморандум ({state})",
        title_ru=f"Меморандум ({state})",
        title_zh_hans=f"合作谅解备忘录（{state}）",
    )
    agreement.partners.add(Partner.objects.get(slug=SLUGS["partners"]))
    signed_on = timezone.localdate(NOW) - datetime.timedelta(days=30)
    for step in AGREEMENT_PATHS[state]:
        comment = "The partner asked to end it." if step == "terminated" else ""
        agreement = partnership_services.change_agreement_status(
            agreement, to=step, by=by, comment=comment, signed_on=signed_on
        )
    return agreement
