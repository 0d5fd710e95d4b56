"""The permission matrix: every URL pattern of the portal, requested by every role, and what each role sees.

A new view without a rule here fails `test_every_url_pattern_has_a_rule`, so nothing is silently open.
"""

from fnmatch import fnmatch
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import Resolver404, resolve, reverse

from mobility.models import Application, ApplicationDocument, ApplicationTransition, ExchangeCall
from partnerships.models import AgreementDocument, Contact, Partner
from visits.models import CalendarFeed, VisitDocument

from .forms import forms_of
from .matrix import SLUGS, URLS, concrete_paths

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
TOKEN = expect(401, 401, 401, 401, 401)  # only an API token opens it, never a signed-in session

# First matching rule wins; names are URL names, "admin:?" stands for the admin's unnamed patterns.
RULES = [
    ("healthz", OPEN),
    ("metrics", expect(404, 404, 404, 404, 404)),  # only METRICS_ALLOWED_IPS or METRICS_TOKEN (test_metrics.py)
    ("public_media", expect(404, 404, 404, 404, 404)),  # only files that exist (tests/config/test_public_media.py)
    ("set_language", REDIRECT),
    ("home", OPEN),
    ("partnerships:partner_list", OPEN),
    ("insights:partner_map", OPEN),
    ("partnerships:program_list", OPEN),
    ("visits:visit_list", OPEN),
    ("mobility:call_list", OPEN),
    ("mobility:call_detail", OPEN),
    ("mobility:apply", expect(405, 405, 405, 405, 405)),  # applying takes a POST
    ("mobility:my_applications", SIGNED_IN),
    ("mobility:application_detail", SIGNED_IN_NOT_FOUND),  # only the applicant sees an application
    ("mobility:application_step", SIGNED_IN_NOT_FOUND),
    ("mobility:withdraw", SIGNED_IN_NOT_FOUND),  # the confirmation, for the applicant only
    ("mobility:document_download", expect(302, 404, 404, 200, 200)),  # applicant, the call's reviewers, office
    ("mobility:review_list", expect(302, 404, 200, 200, 200)),  # faculty see the calls given to them
    ("mobility:review_call", expect(302, 404, 404, 200, 200)),
    ("mobility:review_application", expect(302, 404, 404, 200, 200)),
    ("mobility:confirm_selection", expect(405, 405, 405, 405, 405)),
    ("mobility:close_call_early", expect(302, 404, 404, 200, 200)),  # the confirmation; closing takes a POST
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
    # The API: public reads, its schema and documentation for anyone; integrations need a token
    ("api:partner_*", OPEN),
    ("api:program_*", OPEN),
    ("api:call_list", OPEN),
    ("api:news_*", OPEN),
    ("api:visit_list", OPEN),
    ("api:schema", OPEN),
    ("api:docs", OPEN),
    ("api:redoc", OPEN),
    ("api:agreement_*", TOKEN),
    ("api:selection_list", TOKEN),
    ("api:nomination_list", TOKEN),
    ("api:mobility_list", TOKEN),
    ("ewp:*", TOKEN),  # the EWP documents, for partners' systems
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
    # Sign-in and account pages (allauth)
    ("admin_sign_in", expect(302, 403, 302, 302, 302)),  # signed in without admin rights: refused, no loop
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
    ("profile", SIGNED_IN),
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
    # The admin: office staff work here, superusers also manage groups
    ("admin:login", expect(302, 403, 302, 302, 302)),  # the same address as admin_sign_in
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
    ("admin:config_factsheet_delete", OFFICE_FORBIDDEN),  # there is only one factsheet, kept
    ("admin:visits_typoreport_add", OFFICE_FORBIDDEN),  # readers write typo reports, staff only close them
    ("admin:visits_calendarfeed_add", OFFICE_FORBIDDEN),  # each person makes their own calendar address
    ("admin:mobility_application_add", OFFICE_FORBIDDEN),  # applicants apply on the portal
    ("admin:mobility_review_add", OFFICE_FORBIDDEN),  # reviewers score on the selection pages
    ("admin:notifications_*_add", OFFICE_FORBIDDEN),  # notices come from the sweep, rules from the code
    ("admin:notifications_*_delete", OFFICE_FORBIDDEN),  # a deleted notice would be sent again
    ("admin:api_apitoken_delete", OFFICE_FORBIDDEN),  # tokens are revoked, their log kept
    ("admin:api_apitokenuse_add", OFFICE_FORBIDDEN),  # the log is written by the API only
    ("admin:api_apitokenuse_delete", OFFICE_FORBIDDEN),
    ("admin:insights_agreementhealth_add", OFFICE_FORBIDDEN),  # the list shows agreements, added elsewhere
    ("admin:insights_agreementhealth_delete", OFFICE_FORBIDDEN),
    ("admin:insights_agreementhealth_change", REDIRECT),  # to the agreement's health page
    ("admin:insights_agreementhealth_history", REDIRECT),  # to the agreement's own history
    ("admin:config_translationstate_add", OFFICE_FORBIDDEN),  # states follow the records' saves
    ("admin:config_translationstate_delete", OFFICE_FORBIDDEN),
    # Only the person who asked downloads an export; nobody else learns it exists (tests/config/test_exports.py).
    ("admin:config_exportjob_download", expect(302, 302, 302, 404, 404)),
    ("admin:config_exportjob_delete", expect(302, 302, 302, 405, 405)),  # deleting and running again take a POST
    ("admin:config_exportjob_run_again", expect(302, 302, 302, 405, 405)),
    ("admin:?<path:object_id>/", REDIRECT),  # the admin's shortcut to the change page
    ("admin:?(?P<url>.*)$", expect(302, 302, 302, 404, 404)),  # unknown admin paths
    ("admin:*", OFFICE),
]


def rule_for(name):
    return next((rule for pattern, rule in RULES if fnmatch(name, pattern) or pattern == name), None)


def test_every_url_pattern_has_a_rule():
    assert [name for name, _route in URLS if rule_for(name) is None] == []


@pytest.fixture
def people(world):
    return {role: world.users[role] for role in ROLES}


@pytest.mark.parametrize(("name", "route"), URLS, ids=[name for name, _route in URLS])
def test_each_role_gets_the_expected_answer(client, people, name, route):
    client.defaults["HTTP_HOST"] = "testserver"  # as every browser sends it; allauth's SAML views read it
    got, wanted = {}, {}
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


def office_only(name):
    """A page the matrix opens to office staff and to nobody without office rights (the setup of a second factor
    aside, which is how staff get one)."""
    rule = rule_for(name)
    others = ("anonymous", "student", "faculty")
    return rule["staff"] == 200 and all(rule[role] != 200 for role in others) and not name.startswith("mfa_")


OFFICE_ONLY = [(name, route) for name, route in URLS if office_only(name)]
OFFICE_ACTIONS = [
    "mobility:confirm_selection",
    "mobility:close_call_early",
    "visits:renew_calendar",
]  # they take a POST


def test_office_staff_without_an_authenticator_use_no_office_page_until_they_set_one_up(client, world):
    staff = world.users["staff"]
    Authenticator.objects.filter(user=staff).delete()
    feed = staff.calendar_feed.token
    transitions = ApplicationTransition.objects.count()
    client.force_login(staff)
    requests = [("get", path) for name, route in OFFICE_ONLY for _suffix, path in concrete_paths(name, route)]
    requests += [
        ("post", path) for name, route in URLS if name in OFFICE_ACTIONS for _s, path in concrete_paths(name, route)
    ]
    answers = {}

    for method, path in requests:
        response = getattr(client, method)(path)
        if response.streaming:
            b"".join(response.streaming_content)
        location = response.get("Location", "")
        answers[(method, path)] = response.status_code, resolve(location).url_name if location else None

    assert {name for name, _route in OFFICE_ONLY} >= {"mobility:nominees_export", "mobility:document_download"}
    assert answers == {request: (302, "mfa_activate_totp") for request in requests}
    staff.calendar_feed.refresh_from_db()
    assert staff.calendar_feed.token == feed
    assert ApplicationTransition.objects.count() == transitions


# ---------------------------------------------------------------- what each role sees

# People who see the portal's pages but not the office's records (office staff who applied to a call included).
SEEING = ("anonymous", "student", "student:draft", "student:nominated", "student:withdrawn", "faculty", "reviewer")
SEEING += ("staff:applicant",)
MAY_SEE_CONTACTS = {"faculty", "reviewer", "staff:applicant"}  # and hidden partners, like the office
MAY_SEE_APPLICANTS = {"reviewer", "staff:applicant"}  # of submitted applications, on the review pages


def portal_pages(role, world):
    """Every page outside the admin as this role opens it: their own application at every step, each call's
    ranking, and the pages where a hidden partner would show (its page, a search for its name)."""
    pages = []
    own = Application.objects.filter(applicant=world.users[role]).first() if world.users[role] else None
    for name, route in URLS:
        if name.startswith("admin:") or route.startswith("^media/"):
            continue
        if own is not None and name in {"mobility:application_detail", "mobility:application_step"}:
            pages += [path for _suffix, path in concrete_paths(name, route, obj=own)]
        else:
            pages += [path for _suffix, path in concrete_paths(name, route)]
    hidden = world.hidden_partner
    pages += [f"/en/partners/{hidden.slug}/", f"/en/partners/?q={hidden.name_en.split()[0]}"]
    pages += [f"/en/mobility/review/{call.slug}/" for call in ExchangeCall.objects.all()]
    return pages


def secrets(role, world):
    """What must never appear on a page this role opens, each with the reason."""
    user = world.users[role]
    hidden = {}
    if role not in MAY_SEE_CONTACTS:
        for contact in Contact.objects.all():
            # Their addresses: a news article may name whom a delegation met, never how to reach them.
            hidden |= {text: f"the contact {contact}" for text in (contact.email, contact.phone) if text}
        for partner in Partner.objects.filter(is_public=False):
            hidden |= {partner.name_en: "a hidden partner", f"/partners/{partner.slug}/": "a hidden partner's page"}
    others = Application.objects.exclude(applicant=user) if user else Application.objects.all()
    if role in MAY_SEE_APPLICANTS:
        others = others.filter(status=Application.Status.DRAFT)  # drafts are nobody's business but the applicant's
    for application in others.select_related("applicant"):
        hidden |= {
            application.applicant.email: "someone else's application",
            reverse("mobility:application_detail", args=[application.pk]): "a link to someone else's application",
        }
    for document in ApplicationDocument.objects.exclude(application__applicant=user).filter(application__in=others):
        hidden[document.get_absolute_url()] = "someone else's document"
    for document in [*AgreementDocument.objects.all(), *VisitDocument.objects.all()]:
        hidden[document.get_absolute_url()] = "an office document"
    for feed in CalendarFeed.objects.all():
        hidden[feed.token] = "a private calendar address"
    return {text.removeprefix("/en"): reason for text, reason in hidden.items()}


def controls(response):
    """The URL names (and arguments) of every form a page shows."""
    found = []
    for form in forms_of(response.content.decode(), response.wsgi_request.get_full_path()):
        try:
            match = resolve(urlsplit(form.action).path)
        except Resolver404:
            continue
        found.append((match.view_name, match.kwargs))
    return found


def seen_by(client, role, world):
    """Each HTML page this role is shown, by path."""
    client.logout()
    if world.users[role]:
        client.force_login(world.users[role])
    client.defaults["HTTP_HOST"] = "testserver"  # as every browser sends it; allauth's SAML views read it
    shown = {}
    for path in portal_pages(role, world):
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end, so the file closes
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            shown[path] = response
    return shown


@pytest.mark.parametrize("role", SEEING)
def test_no_page_shows_a_role_what_is_not_theirs_to_see(client, world, role):
    forbidden = secrets(role, world)
    leaks = {}

    for path, response in seen_by(client, role, world).items():
        html = response.content.decode()
        leaks |= {(path, reason): text for text, reason in forbidden.items() if text in html}

    assert len(forbidden) > 10  # the world really has such things to hide
    assert leaks == {}


@pytest.mark.parametrize("role", SEEING)
def test_only_office_staff_who_take_no_part_get_the_controls_that_decide(client, world, role):
    user = world.users[role]
    applied = set(ExchangeCall.objects.filter(applications__applicant=user).values_list("slug", flat=True))
    own = set(Application.objects.filter(applicant=user).values_list("pk", flat=True)) if user else set()
    wrong = []

    for path, response in seen_by(client, role, world).items():
        for view, kwargs in controls(response):
            deciding = view in {"mobility:confirm_selection", "mobility:close_call_early"}
            if deciding and (role != "staff:applicant" or kwargs["slug"] in applied):
                wrong.append((path, view, kwargs))
            if view == "mobility:withdraw" and kwargs["pk"] not in own:
                wrong.append((path, view, kwargs))
            if view.startswith("admin:") and view != "admin:logout":
                wrong.append((path, view, kwargs))

    assert wrong == []


def test_the_controls_check_sees_the_controls_it_looks_for(client, world):
    """The two tests above can fail: the office applicant does confirm the calls they did not apply to, faculty
    do see contacts, and a student sees their own application with its withdraw button."""
    confirm = reverse("mobility:confirm_selection", args=[SLUGS["mobility"]])
    own = world.applications["submitted"]

    office = seen_by(client, "staff:applicant", world)
    faculty = seen_by(client, "faculty", world)
    student = seen_by(client, "student:submitted", world)

    assert ("mobility:confirm_selection", {"slug": SLUGS["mobility"]}) in controls(
        office[f"/en/mobility/review/{SLUGS['mobility']}/"]
    ), confirm
    contact = Contact.objects.get(latin_name="Li Ming")
    assert contact.email in faculty[f"/en/partners/{SLUGS['partners']}/"].content.decode()
    assert ("mobility:withdraw", {"pk": own.pk}) in controls(student[f"/en/mobility/applications/{own.pk}/"])


def test_nobody_nominates_themselves_nor_confirms_a_call_they_applied_to(client, world):
    student, applicant = world.users["student:submitted"], world.users["staff:applicant"]
    own = world.applications["submitted"]
    staff_application = Application.objects.get(applicant=applicant)
    change_status = reverse("admin:mobility_application_changelist")
    before = dict(Application.objects.values_list("pk", "status"))

    client.force_login(student)
    student_confirms = client.post(reverse("mobility:confirm_selection", args=[own.call.slug]))
    student_nominates = client.post(
        change_status, {"action": "change_status", "_selected_action": [own.pk], "apply": "1", "to": "nominated"}
    )
    client.force_login(applicant)
    office_confirms = client.post(reverse("mobility:confirm_selection", args=[staff_application.call.slug]))
    office_nominates = client.post(
        change_status,
        {"action": "change_status", "_selected_action": [staff_application.pk], "apply": "1", "to": "nominated"},
        follow=True,
    )
    office_shortlists = client.post(
        change_status,
        {"action": "change_status", "_selected_action": [staff_application.pk], "apply": "1", "to": "shortlisted"},
        follow=True,
    )

    assert student_confirms.status_code == 404
    assert student_nominates["Location"].startswith(reverse("admin:login"))
    assert office_confirms.status_code == 403
    assert "Select a valid choice." in office_nominates.content.decode()  # not a step a submitted one may take
    assert "You may not make this change." in office_shortlists.content.decode()  # a step, not theirs to take
    assert dict(Application.objects.values_list("pk", "status")) == before
