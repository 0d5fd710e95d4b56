"""Every button, every state: each role opens every page of the permission matrix and submits every form it shows.

Forms and actions are read from the pages themselves (the admin's actions from its changelists, whose pages come
from admin.site's registry through the URL walk), so a new form or action is covered without a line here. Each
form is sent with its defaults and with every field a person can clear cleared; each action of a list runs on
every row, and a page a click answers with (a confirmation, "Change status…") is sent the same two ways and with
each option of its lists (every new status). Pages about an object are opened for one object in each state (see
matrix.build_world). No answer may be a server error, and a refusal says why in the reader's language. Every
click is undone before the next one.
"""

import re
from contextlib import contextmanager
from copy import deepcopy
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.db import transaction
from django.urls import reverse

from mobility.models import Application
from mobility.views import STEPS

from .forms import forms_of, looks_english, refusal_messages
from .matrix import URLS, admin_model, concrete_paths

pytestmark = pytest.mark.django_db

# Who walks the portal, each in the language they read it in: every language has its pass, and every refusal
# on a Kazakh, Russian or Chinese page is checked for English.
ROLES = {
    "anonymous": "zh-hans",
    "student:draft": "kk",
    "student:submitted": "ru",
    "student:shortlisted": "kk",
    "student:nominated": "zh-hans",
    "student:withdrawn": "ru",
    "reviewer": "kk",
    "staff": "kk",
    "superuser": "en",
}
# Students whose application is in a further state walk the pages where it shows; the others walk them all.
SCOPES = {"student:shortlisted": ("mobility:", "notifications:"), "student:withdrawn": ("mobility:", "notifications:")}
REDIRECTS_FOLLOWED = 3
# The pages whose forms are the layout's (language, sign-out, typo report, the admin's header): clicked there, and
# left out on every other page, where they are the same forms.
LAYOUT_PAGES = ("home", "admin:index")


class KnownDefect(Exception):
    """Raised instead of failing when every problem of a case is a known defect another change fixes."""


# Defects that changes under way elsewhere fix: the problem's words, and the cases (role, URL name) that meet it.
# Each such case is a strict expected failure: once the defect is fixed it passes, which fails the suite until its
# line here goes. A case with any other problem fails as usual.
KNOWN_DEFECTS: dict[str, tuple[str, list[tuple[str, str]]]] = {}
KNOWN = {case: (words, defect) for defect, (words, cases) in KNOWN_DEFECTS.items() for case in cases}


def cases():
    for role in ROLES:
        for name, route in URLS:
            if route.startswith("^media/"):
                continue  # media is served by the web server in production, by runserver only with DEBUG
            if role in SCOPES and not name.startswith(SCOPES[role]):
                continue
            known = KNOWN.get((role, name))
            marks = [pytest.mark.xfail(strict=True, raises=KnownDefect, reason=known[1])] if known else []
            yield pytest.param(role, name, route, marks=marks, id=f"{role}-{name}")


def in_language(path, language):
    return re.sub(r"^/(kk|ru|en|zh-hans)/", f"/{language}/", path)


def one_per_state(model):
    """One object of the model in each status it has in the world, oldest first."""
    seen = {}
    for obj in model.objects.order_by("pk"):
        seen.setdefault(obj.status, obj)
    return list(seen.values())


def paths_for(role, name, route, world):
    """The pages one pattern stands for: the reader's own application, or an object in each state."""
    own = world.applications.get(role.removeprefix("student:")) if role.startswith("student:") else None
    if name == "mobility:application_step" and own is not None:
        base = concrete_paths(name, route, obj=own)[0][1]
        return [base.replace("/about/", f"/{step}/") for step, _label in STEPS]
    if name == "mobility:application_detail" and own is not None:
        return [path for _suffix, path in concrete_paths(name, route, obj=own)]
    model = Application if name == "mobility:review_application" else admin_model(route)
    if model is not None and "Status" in vars(model) and ("<path:object_id>" in route or "<int:pk>" in route):
        return [path for obj in one_per_state(model) for _suffix, path in concrete_paths(name, route, obj=obj)]
    return [path for _suffix, path in concrete_paths(name, route)]


class Undo(Exception):
    pass


class Walk:
    """One role's walk: it opens pages, clicks, follows redirects and writes down every problem it meets."""

    def __init__(self, client, language):
        self.client = client
        # As the reader's browser: it names its host, and asks for their language where a URL names none.
        client.defaults |= {"HTTP_HOST": "testserver", "HTTP_ACCEPT_LANGUAGE": language}
        self.problems = []

    @contextmanager
    def undone(self):
        """Whatever happens inside is rolled back, the browser's cookies (a sign-out) included."""
        cookies = deepcopy(self.client.cookies)
        try:
            with transaction.atomic():
                yield
                raise Undo
        except Undo:
            pass
        finally:
            self.client.cookies = cookies

    def request(self, method, path, data=None, what=None, follow=True):
        """The final answer to a request after its local redirects, or None when it failed (noted)."""
        what = what or f"{method.upper()} {path}"
        try:
            response = getattr(self.client, method)(path, data)
            followed = 0
            while follow and followed < REDIRECTS_FOLLOWED and (location := local_redirect(response)):
                self.check_status(response, what)
                response = self.client.get(location)
                followed += 1
            response.followed = followed
            if response.streaming:
                # Read to the end: a file response closes itself then (response.close() ends the test's connection).
                b"".join(response.streaming_content)
        except Exception as error:
            self.problems.append(f"{what}: raised {type(error).__name__}: {error}")
            return None
        self.check_status(response, what)
        return response

    def check_status(self, response, what):
        if response.status_code >= 500:
            self.problems.append(f"{what}: answered {response.status_code} at {response.wsgi_request.path}")

    def check_refusal(self, response, what):
        """A refused click says why, and not in English on a page in another language."""
        messages = refusal_messages(response)
        if response.status_code >= 400 and not messages:
            self.problems.append(f"{what}: refused ({response.status_code}) without a message")
        language = getattr(response.wsgi_request, "LANGUAGE_CODE", "en")
        english = [message for message in messages if looks_english(message)] if language != "en" else []
        if english:
            self.problems.append(f"{what}: answered in English on a {language} page: {english[0][:160]}")

    def click(self, submission, seen, depth=0):
        """Send one submission, then the new forms of the page it answers with (a confirmation step)."""
        with self.undone():
            response = self.request(
                submission.method, submission.action, submission.payload(), str(submission), follow=submission.follow
            )
            if response is None or response.status_code >= 500:
                return
            self.check_refusal(response, str(submission))
            if depth or response.followed or not is_html_page(response):
                return
            for form in forms_of(response.content.decode(), response.wsgi_request.get_full_path()):
                if signature(form) not in seen:
                    for follow_up in form.submissions(every_choice=True):
                        self.click(follow_up, seen | {signature(form)}, depth + 1)

    def page(self, path, layout=frozenset()):
        """Open a page; when it answers with HTML itself, send each of its forms every way (layout ones aside)."""
        with self.undone():
            response = self.request("get", path, follow=False)
        if response is None or not is_html_page(response):
            return
        forms = forms_of(response.content.decode(), response.wsgi_request.get_full_path())
        seen = {signature(form) for form in forms}
        for form in forms:
            if signature(form) in layout:
                continue
            for submission in form.submissions():
                self.click(submission, seen)


def local_redirect(response):
    location = response.get("Location") if response.status_code in (301, 302, 303, 307, 308) else None
    return location if location and urlsplit(location).netloc in ("", "testserver") else None


def is_html_page(response):
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


LAYOUTS = {}


def layout_of(client, role):
    """The forms of the role's layout, read once per role from the layout pages."""
    if role not in LAYOUTS:
        signatures = set()
        for name in LAYOUT_PAGES:
            response = client.get(in_language(reverse(name), ROLES[role]))
            if is_html_page(response):
                forms = forms_of(response.content.decode(), response.request["PATH_INFO"])
                signatures |= {signature(form) for form in forms}
        LAYOUTS[role] = frozenset(signatures)
    return LAYOUTS[role]


def signature(form):
    return form.method, urlsplit(form.action).path, form.names


@pytest.mark.parametrize(("role", "name", "route"), list(cases()))
def test_every_form_of_every_page_answers_without_a_server_error(client, world, role, name, route):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    walk = Walk(client, ROLES[role])
    layout = frozenset() if name in LAYOUT_PAGES else layout_of(client, role)

    for path in paths_for(role, name, route, world):
        walk.page(in_language(path, ROLES[role]), layout)

    known = KNOWN.get((role, name))
    if known and walk.problems and all(known[0] in problem for problem in walk.problems):
        raise KnownDefect("\n".join(walk.problems))
    assert not walk.problems, "\n".join(walk.problems)


def test_the_walk_reaches_every_action_of_every_registered_admin(client, world, rf):
    """Each action admin.site offers is an option on its changelist, where the walk clicks it on every row."""
    superuser = world.users["superuser"]
    client.force_login(superuser)
    request = rf.get("/")
    request.user = superuser
    missing = {}

    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        offered = set()
        for form in forms_of(client.get(url).content.decode(), url):
            offered |= set(form.action_names())
        if absent := set(model_admin.get_actions(request)) - offered:
            missing[model._meta.label] = absent

    assert missing == {}


def test_the_walk_meets_the_buttons_of_my_exports(client, world):
    """The coordinator's failed and expired exports give My exports its "Run again" and "Delete" to click."""
    from config.models import ExportJob

    staff = world.users["staff"]
    client.force_login(staff)
    url = reverse("admin:config_exportjob_changelist")
    posted = {urlsplit(form.action).path for form in forms_of(client.get(url).content.decode(), url)}
    jobs = ExportJob.objects.of(staff)

    assert sorted(jobs.values_list("status", flat=True)) == ["expired", "failed"]
    for job in jobs:
        for name in ("admin:config_exportjob_delete", "admin:config_exportjob_run_again"):
            assert reverse(name, args=[job.pk]) in posted
