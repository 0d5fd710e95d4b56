"""The pages every quality gate checks, in one place: adding a page to the portal is one line here."""

LANGUAGES = ["kk", "ru", "en", "zh-hans"]

# Pages anyone may open.
PUBLIC_PAGES = [
    "",
    "partners/",
    "partners/?q=新疆&country=CN",
    "partners/xinjiang-university/",
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
]

# Pages of the student journey behind sign-in.
STUDENT_PAGES = [
    "accounts/email/",
    "accounts/password/change/",
    "accounts/2fa/",
    "accounts/logout/",
    "accounts/reauthenticate/",
    "notifications/",
    "notifications/settings/",
]


def localised(pages):
    return [f"/{language}/{page}" for language in LANGUAGES for page in pages]


def populate():
    """The demo story's content, so that every page above has something real to show."""
    from mobility import demo as mobility_demo
    from partnerships import demo
    from visits import demo as visits_demo

    demo.seed()
    demo.seed_xinjiang()
    visits_demo.seed(call=mobility_demo.seed())
