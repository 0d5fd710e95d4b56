"""One shape for every error of the API: {"detail": ..., "code": ..., "errors": {...}}, in the reader's language."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the requested language.")
    code = serializers.CharField(
        help_text="A stable code for programs, e.g. `invalid`, `not_found`, `not_authenticated`, `token_expired`, "
        "`token_revoked`, `token_invalid`, `scope_missing`, `throttled`."
    )


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For each query parameter that was refused, why.",
    )


def _codes(codes):
    if isinstance(codes, dict):
        return next((_codes(value) for value in codes.values()), "invalid")
    if isinstance(codes, list):
        return _codes(codes[0]) if codes else "invalid"
    return codes


def exception_handler(exc, context):
    """DRF's handler (headers such as Retry-After and WWW-Authenticate), with the body in the one shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _("Some query parameters are not valid."),
            "code": "invalid",
            "errors": {name: [str(message) for message in messages] for name, messages in errors.items()},
        }
    else:
        response.data = {"detail": str(exc.detail), "code": str(_codes(exc.get_codes()))}
    return response
