"""One permission class per token scope: `permission_classes = [ReadsNominations]`."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .models import ApiToken


class HasScope(BasePermission):
    """The request carries a token with `scope`; without a token DRF answers 401, without the scope 403."""

    scope: str

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        if not token.has_scope(self.scope):
            raise PermissionDenied(
                _("This token does not have the scope «%(scope)s». Office staff can grant it in the admin.")
                % {"scope": ApiToken.Scope(self.scope).label},
                code="scope_missing",
            )
        return True


def scope_permission(scope: str) -> type[HasScope]:
    """A permission class requiring one scope of ApiToken.Scope."""
    return type(f"HasScope_{scope}", (HasScope,), {"scope": scope})


ReadsAgreements = scope_permission(ApiToken.Scope.AGREEMENTS)
ReadsNominations = scope_permission(ApiToken.Scope.NOMINATIONS)
ReadsMobilities = scope_permission(ApiToken.Scope.MOBILITIES)
ReadsEwp = scope_permission(ApiToken.Scope.EWP)
