"""Who may do what: one named predicate per permission question, for views, services, admin and reminders.

Each takes the user (signed in or anonymous) and answers from the account alone, or from the one record named.
"""

from .models import User

# Everyone with an account may apply to a call the levels of which fit them (the call decides that).
APPLICANT_ROLES = {User.Role.STUDENT, User.Role.FACULTY, User.Role.STAFF}


def has_role(user, role: User.Role) -> bool:
    """An active account with this role, superuser or not (the permission backend asks only this)."""
    return user.is_active and getattr(user, "role", None) == role


def is_office(user) -> bool:
    """International office staff, or a superuser, with an active account."""
    return user.is_active and (user.is_superuser or has_role(user, User.Role.STAFF))


def is_faculty(user) -> bool:
    return has_role(user, User.Role.FACULTY)


def may_see_contacts(user) -> bool:
    """People at partners and hidden partners: office staff and faculty members."""
    return is_office(user) or is_faculty(user)


def may_apply(user) -> bool:
    return user.is_authenticated and getattr(user, "role", None) in APPLICANT_ROLES


def may_apply_to(user, call) -> bool:
    """An applicant whom the call admits: students to a call with a student level, staff to a staff call."""
    return may_apply(user) and call.admits(user.role)


def may_decide(user) -> bool:
    """Office staff decide on applications; faculty reviewers only score them."""
    return is_office(user)


def may_confirm_selection(user, call) -> bool:
    """Office staff confirm a call's selection, except of a call they applied to themselves."""
    return may_decide(user) and not call.applications.filter(applicant=user.pk).exists()


def may_review(user, call) -> bool:
    """Office staff review every exchange call; a faculty member the calls given to them to review."""
    return may_decide(user) or call.reviewers.filter(pk=user.pk).exists()


def may_approve_learning_agreements(user) -> bool:
    """Office staff and faculty coordinators approve the courses of a learning agreement."""
    return may_decide(user) or is_faculty(user)
