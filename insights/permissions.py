"""Who may read the dashboard and the health of agreements, and who may act on a renewal."""

from accounts.roles import is_faculty, is_office


def may_read_dashboard(user) -> bool:
    """Office staff read every figure; faculty members those of what they coordinate."""
    return is_office(user) or is_faculty(user)


def may_read_health(user, agreement) -> bool:
    """Office staff, and the faculty member who coordinates the agreement."""
    return is_office(user) or (is_faculty(user) and agreement.coordinator_id == user.pk)


def may_decide_renewal(user) -> bool:
    """Opening a renewal review and marking a partner dormant are the office's decisions."""
    return is_office(user)


def may_read_annual_report(user) -> bool:
    """The annual report covers the whole university: the office's."""
    return is_office(user)
