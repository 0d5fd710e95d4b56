"""Business actions of the site itself: the home university's record."""

from .history import upsert_with_history
from .models import HomeInstitution


def describe_home_institution(*, values: dict, by) -> HomeInstitution:
    """Write the home university's names, address and contacts (one record), kept in its history."""
    return upsert_with_history(HomeInstitution, lookup={"singleton": True}, values=values, by=by)
