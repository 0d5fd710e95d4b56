"""Demo data of the accounts app: people who can sign in to the `make run` demo."""

from .models import User
from .services import appoint_translator, create_user

DEMO_PASSWORD = "kopir-demo"  # noqa: S105 (printed for the local demo; seed_demo refuses to run without DEBUG)

DEMO_USERS = [
    {
        "email": "office@kopir.example",
        "full_name": "Әйгерім Сейітова",
        "latin_name": "Seiitova Aigerim",
        "role": User.Role.STAFF,
        "language": "kk",
        "is_superuser": True,
    },
    {
        "email": "teacher@kopir.example",
        "full_name": "Гүлнар Жақсылықова",
        "latin_name": "Zhaksylykova Gulnar",
        "role": User.Role.FACULTY,
        "language": "kk",
        "is_superuser": False,
    },
    {
        "email": "student@kopir.example",
        "full_name": "Дәурен Оспанов",
        "latin_name": "Ospanov Dauren",
        "role": User.Role.STUDENT,
        "language": "ru",
        "is_superuser": False,
    },
]


def seed() -> list[User]:
    users = []
    office = None  # the first person adds the others
    for data in DEMO_USERS:
        values = {k: v for k, v in data.items() if k != "email"}
        user = create_user(email=data["email"], values=values, password=DEMO_PASSWORD, by=office)
        office = office or user
        users.append(user)
    return users


# Translators: people with no other part in the office who translate the public texts into their languages.
DEMO_TRANSLATORS = [
    {
        "email": "translator@kopir.example",
        "full_name": "Айгүл Ли",
        "latin_name": "Li Aigul",
        "language": "zh-hans",
        "languages": ["zh-hans", "kk"],
    },
]


def seed_translators(*, by: User) -> list[User]:
    """The demo's translators (README «Translations»), added by `by` through the services."""
    users = []
    for data in DEMO_TRANSLATORS:
        values = {"full_name": data["full_name"], "latin_name": data["latin_name"], "language": data["language"]}
        user = create_user(email=data["email"], values=values, password=DEMO_PASSWORD, by=by)
        users.append(appoint_translator(user, languages=data["languages"], by=by))
    return users
