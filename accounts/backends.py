from django.contrib.auth.backends import BaseBackend

# The apps whose records the international office keeps; "account" is allauth's email addresses.
OFFICE_APPS = {"accounts", "account", "partnerships", "visits", "mobility"}


class RolePermissionBackend(BaseBackend):
    """International office staff may manage every record of the portal's own apps.

    Superusers keep everything else (groups, authenticators); finer rules for faculty come per object.
    """

    def has_perm(self, user_obj, perm, obj=None):
        return self._is_office(user_obj) and perm.partition(".")[0] in OFFICE_APPS

    def has_module_perms(self, user_obj, app_label):
        return self._is_office(user_obj) and app_label in OFFICE_APPS

    @staticmethod
    def _is_office(user_obj):
        return user_obj.is_active and getattr(user_obj, "role", None) == "staff"
