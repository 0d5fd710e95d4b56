from django.contrib.auth.backends import BaseBackend

# The apps whose records the international office keeps: "config" holds the home university, "account" is
# allauth's email addresses.
OFFICE_APPS = {"config", "accounts", "account", "partnerships", "visits", "mobility", "notifications"}
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


def is_office(user) -> bool:
    return user.is_active and getattr(user, "role", None) == "staff"


def is_faculty(user) -> bool:
    return user.is_active and getattr(user, "role", None) == "faculty"


class RolePermissionBackend(BaseBackend):
    """Permissions follow the role: office staff manage the portal's own apps; faculty their coordination.

    Superusers keep everything else (groups); which objects a faculty member may touch is decided per object.
    """

    def has_perm(self, user_obj, perm, obj=None):
        if is_office(user_obj):
            return perm.partition(".")[0] in OFFICE_APPS
        return is_faculty(user_obj) and perm in FACULTY_PERMISSIONS

    def has_module_perms(self, user_obj, app_label):
        if is_office(user_obj):
            return app_label in OFFICE_APPS
        return is_faculty(user_obj) and app_label == "partnerships"
