from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction

from config.history import save_with_history

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


@transaction.atomic
def create_user(*, email: str, values: dict, password: str | None = None, by: User | None = None) -> User:
    """Add the person of this email, address verified (or change their name, role, language); a new one gets
    `password`, or none to sign in with (then only a reset or single sign-on lets them in)."""
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
    user = save_with_history(user, by=by, values=values)
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user
