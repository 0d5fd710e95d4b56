from allauth.mfa.models import Authenticator
from django.db import transaction

from .models import User


@transaction.atomic
def reset_two_factor(users) -> int:
    """Remove every authenticator (app and recovery codes) of these users; they set up anew at next admin visit.

    Returns how many users had one. Used when someone loses the phone with their authenticator app.
    """
    authenticators = Authenticator.objects.filter(user__in=users)
    count = authenticators.values("user").distinct().count()
    authenticators.delete()
    return count


@transaction.atomic
def update_profile(user: User, *, full_name: str, latin_name: str, language: str) -> User:
    """Save how a person is named (in their own script and as in their passport) and the language they read."""
    user.full_name, user.latin_name, user.language = full_name.strip(), latin_name.strip(), language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "latin_name", "language"])
    return user
