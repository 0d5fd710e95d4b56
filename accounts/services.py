from allauth.mfa.models import Authenticator
from django.db import transaction

from .models import User


@transaction.atomic
def reset_two_factor(users) -> int:
    """Remove every authenticator (app and recovery codes) of these users; they set up anew at next admin visit.

    Returns how many users had one. Used when someone loses the phone with their authenticator app.
    """
    affected = User.objects.filter(pk__in=[user.pk for user in users], authenticator__isnull=False).distinct()
    count = affected.count()
    Authenticator.objects.filter(user__in=users).delete()
    return count
