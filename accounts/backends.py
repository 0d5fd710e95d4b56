from django.contrib.auth.backends import BaseBackend

from .models import User
from .roles import has_role, is_faculty

# The apps whose records the international office keeps: "config" holds the home university, "account" is
# allauth's email addresses.
OFFICE_APPS = {
    "config",
    "accounts",
    "account",
    "partnerships",
    "visits",
    "mobility",
    "notifications",
    "api",
    "ewp",
    "insights",
}
# Faculty coordinators edit agreements and joint programs (the admin narrows these to their own)
# and look up the partners, units, contacts and fields those refer to.
FACULTY_PERMISSIONS = {
    "partnerships.view_agreement",
    "partnerships.change_agreement",
    "partnerships.view_jointprogram",
    "partnerships.change_jointprogram",
    "partnerships.view_partner",
    "partnerships.view_unit",
    "partnerships.view_contact",
    "partnerships.view_iscedfield",
}


class RolePermissionBackend(BaseBackend):
    """Permissions follow the role: office staff manage the portal's own apps; faculty their coordination.

    Superusers keep everything else (groups); which objects a faculty member may touch is decided per object.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if has_role(user_obj, User.Role.STAFF):
            return perm.partition(".")[0] in OFFICE_APPS
        return is_faculty(user_obj) and perm in FACULTY_PERMISSIONS

    def has_module_perms(self, user_obj, app_label):
        if has_role(user_obj, User.Role.STAFF):
            return app_label in OFFICE_APPS
        return is_faculty(user_obj) and app_label == "partnerships"
