from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from config.history import save_with_history
from config.models import TranslationState
from config.translations import permission_codename

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


@transaction.atomic
def appoint_translator(user: User, *, languages, by: User | None = None) -> User:
    """Let this person translate the texts of partners, programs, calls, visits and articles into these languages
    in the admin (README «Translations»), and nothing else; the languages given replace those they had."""
    content_type = ContentType.objects.get_for_model(TranslationState)
    wanted = {permission_codename(code) for code in languages}
    permissions = Permission.objects.filter(content_type=content_type, codename__startswith="translate_")
    user.user_permissions.remove(*[p for p in permissions if p.codename not in wanted])
    user.user_permissions.add(*[p for p in permissions if p.codename in wanted])
    if wanted and not user.is_staff:
        user = save_with_history(user, by=by, values={"is_staff": True}, reason=_("Appointed translator"))
    return user
