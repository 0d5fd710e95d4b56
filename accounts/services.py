from allauth.mfa.models import Authenticator
from django.db import transaction


@transaction.atomic
def reset_two_factor(users) -> int:
    """Remove every authenticator (app and recovery codes) of these users; they set up anew at next admin visit.

    Returns how many users had one. Used when someone loses the phone with their authenticator app.
    """
    authenticators = Authenticator.objects.filter(user__in=users)
    count = authenticators.values("user").distinct().count()
    authenticators.delete()
    return count
