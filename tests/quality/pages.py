"""The pages every quality gate checks, in one place: adding a page to the portal is one line here."""

LANGUAGES = ["kk", "ru", "en", "zh-hans"]

# Pages anyone may open.
PUBLIC_PAGES = [
    "",
    "partners/",
    "partners/?q=新疆&country=CN",
    "partners/xinjiang-university/",
    "partners/map/",
    "programs/",
    "programs/it-xju/",
    "visits/",
    "visits/?year=2025&country=CN",
    "visits/official-visit-to-xinjiang-university/",
    "mobility/",
    "mobility/semester-exchange-xinjiang-university/",
    "accounts/login/",
    "accounts/signup/",
    "accounts/password/reset/",
    "accounts/password/reset/done/",
    "accounts/confirm-email/",
    "accounts/confirm-email/an-expired-or-mistyped-key/",
    "accounts/inactive/",
    "accounts/3rdparty/login/cancelled/",
]

# The API's documentation (/api/docs/ Swagger UI, /api/redoc/ Redoc) is left out of these gates: vendored
# viewers, not pages in the portal's look; tests/quality/test_api_docs.py holds them to the portal's CSP.

# Pages of the student journey behind sign-in.
STUDENT_PAGES = [
    "accounts/email/",
    "accounts/profile/",
    "accounts/password/change/",
    "accounts/2fa/",
    "accounts/3rdparty/",
    "accounts/logout/",
    "accounts/reauthenticate/",
    "mobility/applications/",
    "notifications/",
    "notifications/settings/",
]
# The pages of a draft: its summary, each step, and the confirmation of withdrawing it.
APPLICATION_STEPS = ["", "about/", "hosts/", "motivation/", "documents/", "submit/", "withdraw/"]


def localised(pages):
    return [f"/{language}/{page}" for language in LANGUAGES for page in pages]


def populate():
    """The demo story's content, so that every page above has something real to show.

    With an identity provider configured in the admin, so the sign-in pages show their single sign-on button.
    """
    from accounts import demo as accounts_demo
    from mobility import demo as mobility_demo
    from partnerships import demo
    from tests.factories import OIDCAppFactory
    from visits import demo as visits_demo

    OIDCAppFactory()
    demo.seed()
    users = {user.role: user for user in accounts_demo.seed()}
    demo.seed_xinjiang(coordinator=users["staff"])
    call = mobility_demo.seed(office=users["staff"], reviewer=users["faculty"], student=users["student"])
    visits_demo.seed(owner=users["staff"], call=call)


# The office's admin pages of its daily work: the dashboard, agreement health, the annual report and My exports
# beside a list and the longest change pages.
OFFICE_PAGES = [
    "admin/",
    "admin/insights/agreementhealth/",
    "admin/insights/agreementhealth/annual-report/",
    "admin/config/exportjob/",
    "admin/partnerships/partner/",
    "admin/partnerships/agreement/",
    "admin/partnerships/agreement/export/",
]


def signed_in_pages():
    """(person, pages) for everyone behind sign-in: a student with a draft, the call's faculty reviewer, and the
    office (with its authenticator app, as the admin asks of staff).

    Call after populate(); the pages are not yet localised.
    """
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User
    from mobility.models import Application
    from partnerships.models import Agreement, Partner
    from visits.models import Visit

    student = User.objects.get(email="student@kopir.example")
    draft = Application.objects.get(applicant=student)
    reviewer = User.objects.get(email="teacher@kopir.example")
    scored = Application.objects.filter(call__slug="semester-exchange-xinjiang-university", reviews__isnull=False)
    office = User.objects.get(email="office@kopir.example")
    if not office.authenticator_set.exists():
        TOTP.activate(office, generate_totp_secret())
    xinjiang = Partner.objects.get(slug="xinjiang-university")
    agreement = Agreement.objects.filter(partners=xinjiang).order_by("pk").first()
    visit = Visit.objects.filter(partners=xinjiang).order_by("pk").first()
    return [
        (student, STUDENT_PAGES + [f"mobility/applications/{draft.pk}/{step}" for step in APPLICATION_STEPS]),
        (
            reviewer,
            [
                "mobility/review/",
                "mobility/review/semester-exchange-xinjiang-university/",
                f"mobility/review/applications/{scored.first().pk}/",
            ],
        ),
        (
            office,
            [
                *OFFICE_PAGES,
                f"admin/insights/agreementhealth/{agreement.pk}/health/",
                f"admin/partnerships/partner/{xinjiang.pk}/change/",
                f"admin/partnerships/agreement/{agreement.pk}/change/",
                f"admin/visits/visit/{visit.pk}/change/",
            ],
        ),
    ]
