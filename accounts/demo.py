"""Demo data of the accounts app: people who can sign in to the `make run` demo."""

from allauth.account.models import EmailAddress

from .models import User

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
    for data in DEMO_USERS:
        user, created = User.objects.update_or_create(
            email=data["email"], defaults={k: v for k, v in data.items() if k != "email"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        users.append(user)
    return users
