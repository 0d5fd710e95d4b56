"""The OpenAPI description of each endpoint: parameters, every answer it can give, and the headers on them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from .errors import ErrorSerializer, ValidationErrorSerializer
from .queries import SLUG, DetailQuery

HEADERS = [
    OpenApiParameter(
        "Accept-Language",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The reader's languages, e.g. `kk, ru;q=0.8`; `lang` wins over it.",
    ),
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The ETag of an answer already held: 304 while the answer is the same.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The Last-Modified of an answer already held: 304 while the answer has not changed since.",
    ),
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200, 304],
        required=True,
        description="Identifies this exact answer; send it back in If-None-Match.",
    ),
    OpenApiParameter(
        "Last-Modified",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        description="Since when this answer is unchanged (HTTP date); absent while the portal's cache is down.",
    ),
    OpenApiParameter(
        "Content-Language",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        required=True,
        description="The requested language; texts that fall back to another are named in each `fallbacks`.",
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[429],
        description="Seconds to wait before the next request.",
    ),
]
TOKEN_HEADERS = [
    OpenApiParameter(
        "WWW-Authenticate",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[401],
        required=True,
        description='`Bearer realm="api"`.',
    ),
]


SLUG_PATH = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=SLUG, description="The record's address on the portal."
)
ID_PATH = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description="The record's number.",
)


def _errors(*, detail, private):
    responses = {
        304: OpenApiResponse(description="Not modified: the answer named by If-None-Match or If-Modified-Since."),
        400: OpenApiResponse(
            ValidationErrorSerializer, description="A query parameter was refused; `errors` says why."
        ),
        404: OpenApiResponse(
            ErrorSerializer,
            description="No such record, or not public." if detail else "No such page of the list.",
        ),
        429: OpenApiResponse(ErrorSerializer, description="Too many requests; wait as Retry-After says."),
    }
    if private:
        responses[401] = OpenApiResponse(
            ErrorSerializer,
            description="No token, or a token that is unknown, revoked (`token_revoked`) or expired "
            "(`token_expired`). Send `Authorization: Bearer <token>`.",
        )
        responses[403] = OpenApiResponse(
            ErrorSerializer, description="The token lacks this endpoint's scope (`scope_missing`)."
        )
    return responses


def _document(summary, description, serializer, query, *, tag, detail, scope=None, path=()):
    if scope:
        description += f"\n\nNeeds a token with the scope `{scope}`."
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=description,
            parameters=[query, *path, *HEADERS, *(TOKEN_HEADERS if scope else [])],
            responses={200: serializer if detail else serializer(many=True), **_errors(detail=detail, private=scope)},
            tags=[tag],
        )
    )


def public_list(summary, description, serializer, query, *, tag):
    return _document(summary, description, serializer, query, tag=tag, detail=False)


def public_detail(summary, description, serializer, *, tag):
    return _document(summary, description, serializer, DetailQuery, tag=tag, detail=True, path=[SLUG_PATH])


def private_list(summary, description, serializer, query, *, scope, tag):
    return _document(summary, description, serializer, query, tag=tag, detail=False, scope=scope)


def private_detail(summary, description, serializer, *, scope, tag):
    return _document(summary, description, serializer, DetailQuery, tag=tag, detail=True, scope=scope, path=[ID_PATH])


def private_xml(summary, description, *, scope, tag, operation_id, path=()):
    """An endpoint for integrations answering an XML document (its errors in JSON, as everywhere in the API)."""
    description += f"\n\nNeeds a token with the scope `{scope}`."
    errors = _errors(detail=True, private=scope)
    errors[404] = OpenApiResponse(ErrorSerializer, description="No such document, or not offered to partners yet.")
    return extend_schema_view(
        get=extend_schema(
            summary=summary,
            description=description,
            operation_id=operation_id,
            parameters=[DetailQuery, *path, *HEADERS, *TOKEN_HEADERS],
            responses={
                (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="The EWP document."),
                **errors,
            },
            tags=[tag],
        )
    )
