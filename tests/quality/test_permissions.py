"""The permission matrix: every URL pattern of the portal, requested by every role.

A new view without a rule here fails `test_every_url_pattern_has_a_rule`, so nothing is silently open.
"""

from fnmatch import fnmatch

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver

from accounts.models import User
from mobility import demo as mobility_demo
from mobility.models import Application, ApplicationDocument
from notifications.services import notify, rule_settings
from partnerships import demo as partnerships_demo
from partnerships.models import (
    Agreement,
    AgreementDocument,
    AgreementTransition,
    IscedField,
    Partner,
    ResearchOutput,
    ResearchProject,
)
from tests.factories import OIDCAppFactory, SAMLAppFactory, StaffFactory, UserFactory
from visits import demo as visits_demo
from visits.models import TypoReport, VisitDocument
from visits.services import renew_calendar_feed

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "student", "faculty", "staff", "superuser")


def expect(anonymous, student, faculty, staff, superuser):
    return dict(zip(ROLES, (anonymous, student, faculty, staff, superuser), strict=True))


OPEN = expect(200, 200, 200, 200, 200)
SIGNED_OUT = expect(200, 302, 302, 302, 302)  # sign-in and sign-up send a signed-in user home
SIGNED_IN = expect(302, 200, 200, 200, 200)
SIGNED_IN_REAUTH = expect(302, 302, 302, 302, 302)  # asks for the password again first
SIGNED_IN_NOT_FOUND = expect(302, 404, 404, 404, 404)  # nothing there yet for this user
OFFICE = expect(302, 302, 302, 200, 200)
OFFICE_FORBIDDEN = expect(302, 302, 302, 403, 403)
SUPERUSER = expect(302, 302, 302, 403, 200)
REDIRECT = expect(302, 302, 302, 302, 302)

# First matching rule wins; names are URL names, "admin:?" stands for the admin's unnamed patterns.
RULES = [
    ("healthz", OPEN),
    ("set_language", REDIRECT),
    ("home", OPEN),
    ("partnerships:partner_list", OPEN),
    ("partnerships:program_list", OPEN),
    ("visits:visit_list", OPEN),
    ("mobility:call_list", OPEN),
    ("mobility:call_detail", OPEN),
    ("mobility:apply", expect(405, 405, 405, 405, 405)),  # applying takes a POST
    ("mobility:my_applications", SIGNED_IN),
    ("mobility:application_detail", SIGNED_IN_NOT_FOUND),  # only the applicant sees an application
    ("mobility:application_step", SIGNED_IN_NOT_FOUND),
    ("mobility:withdraw", expect(405, 405, 405, 405, 405)),
    ("mobility:document_download", expect(302, 404, 404, 200, 200)),  # applicant, the call's reviewers, office
    ("mobility:review_list", expect(302, 404, 200, 200, 200)),  # faculty see the calls given to them
    ("mobility:review_call", expect(302, 404, 404, 200, 200)),
    ("mobility:review_application", expect(302, 404, 404, 200, 200)),
    ("mobility:confirm_selection", expect(405, 405, 405, 405, 405)),
    ("mobility:nominees_export", expect(302, 404, 404, 200, 200)),
    ("partnerships:partner_detail", OPEN),
    ("partnerships:program_detail", OPEN),
    ("partnerships:agreement_document", expect(302, 404, 404, 200, 200)),  # office staff and the coordinator
    ("visits:article", OPEN),
    ("visits:public_calendar", OPEN),
    ("visits:private_calendar", expect(404, 404, 404, 404, 404)),  # only its secret address opens it
    ("visits:calendar_settings", expect(302, 404, 404, 200, 200)),
    ("visits:renew_calendar", expect(405, 405, 405, 405, 405)),  # renewing takes a POST
    ("visits:document", expect(302, 404, 404, 200, 200)),  # office staff and the delegation
    ("visits:report_typo", expect(405, 405, 405, 405, 405)),  # readers post their reports here
    ("notifications:notification_list", SIGNED_IN),
    ("notifications:notification_settings", SIGNED_IN),
    ("notifications:mark_read", expect(405, 405, 405, 405, 405)),  # marking read takes a POST
    ("notifications:mark_all_read", expect(405, 405, 405, 405, 405)),
    # Sign-in and account pages (allauth)
    ("admin_sign_in", REDIRECT),
    ("account_login", SIGNED_OUT),
    ("account_signup", SIGNED_OUT),
    ("account_logout", expect(302, 200, 200, 200, 200)),
    ("account_inactive", OPEN),
    ("account_email_verification_sent", OPEN),
    ("account_confirm_email", OPEN),  # an unknown key shows "link expired or invalid"
    ("account_reset_password", OPEN),
    ("account_reset_password_done", OPEN),
    ("account_reset_password_from_key", OPEN),  # an unknown key shows "bad token"
    ("account_reset_password_from_key_done", OPEN),
    ("account_confirm_login_code", expect(302, 302, 302, 302, 302)),
    ("account_reauthenticate", SIGNED_IN),
    ("account_request_reauthentication_code", SIGNED_IN),
    ("account_confirm_reauthentication_code", SIGNED_IN_REAUTH),
    ("account_email", SIGNED_IN),
    ("account_change_password", SIGNED_IN),
    ("account_set_password", SIGNED_IN_REAUTH),  # everyone has a password: sent to "change"
    ("mfa_index", SIGNED_IN),
    ("mfa_authenticate", REDIRECT),  # only inside a sign-in that asks for the second factor
    ("mfa_reauthenticate", expect(302, 302, 302, 200, 200)),  # for those who have a second factor
    ("mfa_activate_totp", SIGNED_IN_REAUTH),
    ("mfa_deactivate_totp", expect(302, 404, 404, 302, 302)),  # staff have an app to deactivate
    ("mfa_generate_recovery_codes", SIGNED_IN_REAUTH),
    ("mfa_view_recovery_codes", SIGNED_IN_NOT_FOUND),
    ("mfa_download_recovery_codes", SIGNED_IN_NOT_FOUND),
    # Single sign-on (allauth's socialaccount): identity providers call back without a language prefix
    ("openid_connect_login", OPEN),  # asks to continue to the identity provider
    ("openid_connect_callback", expect(401, 401, 401, 401, 401)),  # without a sign-in under way: refused
    ("saml_login", OPEN),
    ("saml_metadata", OPEN),  # the portal's SAML metadata, for the identity provider
    ("saml_acs", REDIRECT),
    ("saml_finish_acs", expect(401, 401, 401, 401, 401)),  # without a SAML response: refused
    ("saml_sls", expect(400, 400, 400, 400, 400)),
    ("socialaccount_connections", SIGNED_IN),
    ("socialaccount_signup", REDIRECT),  # only inside a sign-in that asks for more details
    ("socialaccount_login_cancelled", OPEN),
    ("socialaccount_login_error", expect(401, 401, 401, 401, 401)),
    # The admin: office staff work here, superusers also manage groups
    ("admin:login", REDIRECT),
    ("admin:logout", expect(302, 302, 302, 405, 405)),  # signing out takes a POST
    ("admin:view_on_site", REDIRECT),  # to the public page of a partner
    ("admin:autocomplete", expect(302, 302, 302, 403, 403)),  # without naming a field it refuses
    ("admin:auth_user_password_change", OFFICE),  # the portal's own user model, despite the name
    ("admin:*_process_import", expect(302, 302, 302, 405, 405)),  # only the import form posts here
    ("admin:auth_*", SUPERUSER),
    ("admin:socialaccount_*", SUPERUSER),  # identity providers and their secrets
    ("admin:app_list[socialaccount]", expect(302, 302, 302, 404, 200)),
    ("admin:app_list[auth]", expect(302, 302, 302, 404, 200)),
    ("admin:config_homeinstitution_add", OFFICE_FORBIDDEN),  # there is only one home university
    ("admin:config_homeinstitution_delete", OFFICE_FORBIDDEN),
    ("admin:visits_typoreport_add", OFFICE_FORBIDDEN),  # readers write typo reports, staff only close them
    ("admin:visits_calendarfeed_add", OFFICE_FORBIDDEN),  # each person makes their own calendar address
    ("admin:mobility_application_add", OFFICE_FORBIDDEN),  # applicants apply on the portal
    ("admin:mobility_review_add", OFFICE_FORBIDDEN),  # reviewers score on the selection pages
    ("admin:notifications_*_add", OFFICE_FORBIDDEN),  # notices come from the sweep, rules from the code
    ("admin:notifications_*_delete", OFFICE_FORBIDDEN),  # a deleted notice would be sent again
    ("admin:?<path:object_id>/", REDIRECT),  # the admin's shortcut to the change page
    ("admin:?(?P<url>.*)$", expect(302, 302, 302, 404, 404)),  # unknown admin paths
    ("admin:*", OFFICE),
]


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


def rule_for(name):
    return next((rule for pattern, rule in RULES if fnmatch(name, pattern) or pattern == name), None)


def test_every_url_pattern_has_a_rule():
    assert [name for name, _route in URLS if rule_for(name) is None] == []


@pytest.fixture
def people(settings):
    settings.STAFF_MFA_REQUIRED = True
    staff, superuser = StaffFactory(), StaffFactory(is_superuser=True)
    for user in (staff, superuser):
        TOTP.activate(user, generate_totp_secret())
    populate_every_model(coordinator=staff)
    return {
        "anonymous": None,
        "student": UserFactory(),
        "faculty": UserFactory(role="faculty"),
        "staff": staff,
        "superuser": superuser,
    }


def populate_every_model(coordinator):
    """At least one row of every model, so that every admin page has an object to show."""
    partnerships_demo.seed()
    partner = partnerships_demo.seed_xinjiang(coordinator=coordinator)
    visit = visits_demo.seed(owner=coordinator, call=mobility_demo.seed(office=coordinator))
    application = Application.objects.submitted().first()
    ApplicationDocument.objects.create(
        application=application, kind="transcript", original_name="transcript.pdf", size=8, file="applications/t.pdf"
    ).file.save("transcript.pdf", ContentFile(b"%PDF-1.4"), save=True)
    renew_calendar_feed(coordinator)
    notify(rule="visit_preparation", obj=visit, recipients=[coordinator], stage="14")
    rule_settings()
    TypoReport.objects.create(url="/en/", language="en", selection="Partnres")
    VisitDocument(visit=visit, kind="invitation").file.save("invitation.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Group.objects.get_or_create(name="Editors")
    account = SocialAccount.objects.create(user=coordinator, provider="university", uid="coordinator")
    SocialToken.objects.create(app=OIDCAppFactory(), account=account, token="not-a-real-token")
    SAMLAppFactory()
    IscedField.objects.get(code="0231").save()  # loaded in bulk by a migration: give one a history
    project = ResearchProject.objects.create(title="Rare earth geology", title_en="Rare earth geology", is_public=True)
    project.partners.add(partner)
    ResearchOutput.objects.create(project=project, title="A paper", year=2026)
    agreement = Agreement.objects.get()
    AgreementTransition.objects.create(
        agreement=agreement, from_status="draft", to_status="negotiation", by=coordinator
    )
    document = AgreementDocument(agreement=agreement)
    document.file.save("signed.pdf", ContentFile(b"%PDF-1.4"), save=True)


SLUGS = {
    "partners": "xinjiang-university",
    "programs": "it-xju",
    "visits": "official-visit-to-xinjiang-university",
    "mobility": "semester-exchange-xinjiang-university",
}


def concrete_paths(name, route):
    """The URLs to request for one pattern, its arguments filled with real objects."""
    path = "/" + route
    if "(?P<app_label>" in path:
        start = path.index("(?P<app_label>")
        end = path.index(")/", start) + 1
        labels = ("auth", "account", "accounts", "partnerships", "socialaccount")
        return [
            (f"[{label}]", (path[:start] + label + path[end:]).replace("^", "").replace("$", "")) for label in labels
        ]
    obj = None
    parts = path.strip("/").split("/")
    if len(parts) > 3 and parts[1] == "admin" and parts[2] in apps.app_configs:
        model = apps.get_model(parts[2], parts[3])
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
        replacements["<slug:slug>"] = SLUGS[path.split("/")[2]]
    for placeholder, value in replacements.items():
        path = path.replace(placeholder, value)
    return [("", path.replace("^", "").replace("$", ""))]


@pytest.mark.parametrize(("name", "route"), URLS, ids=[name for name, _route in URLS])
def test_each_role_gets_the_expected_answer(client, people, name, route):
    if route.startswith("^media/"):
        pytest.skip("media is served by the web server in production, by runserver only with DEBUG")
    got, wanted = {}, {}
    client.defaults["HTTP_HOST"] = "testserver"  # as every browser sends it; allauth's SAML views read it
    for suffix, path in concrete_paths(name, route):
        rule = rule_for(name + suffix) or rule_for(name)
        for role, user in people.items():
            client.logout()
            if user:
                client.force_login(user)
            response = client.get(path)
            if response.streaming:
                # Reading a file response to its end closes it (response.close() would end the test's connection).
                b"".join(response.streaming_content)
            got[(path, role)] = response.status_code
            wanted[(path, role)] = rule[role]

    assert got == wanted
