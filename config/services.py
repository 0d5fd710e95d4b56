"""Business actions of the site itself: the home university's record."""

from .history import upsert_with_history
from .models import Factsheet, HomeInstitution


def describe_home_institution(*, values: dict, by) -> HomeInstitution:
    """Write the home university's names, address and contacts (one record), kept in its history."""
    return upsert_with_history(HomeInstitution, lookup={"singleton": True}, values=values, by=by)


def describe_factsheet(*, values: dict, by) -> Factsheet:
    """Write the home university's factsheet for partners (one record: calendar, applications, housing, visa,
    insurance), kept in its history."""
    return upsert_with_history(Factsheet, lookup={"singleton": True}, values=values, by=by)
