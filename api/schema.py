"""The OpenAPI document's own parts: the token scheme and the introduction that Swagger UI and Redoc show."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

DESCRIPTION = """
The public data of the international cooperation portal, for university websites and other systems:
partner institutions, joint programs, open exchange calls, news and the visits calendar. Integrations
read agreements, selections, nominations and mobilities with a token issued by the international office.

**Languages.** Texts come in the language of `?lang=` (`kk`, `ru`, `en`, `zh-hans`), else of the
`Accept-Language` header, else English (`Content-Language` says which). A text missing in that language is
shown in its fallback (kk → ru → en, ru → kk → en, zh-hans → en, en → ru); each object's `fallbacks` names
such fields with the language they are shown in. Labels (`*_label`) are always in the requested language.

**Caching.** Every answer has an `ETag` and, while the portal's cache is up, a `Last-Modified`; send them back
in `If-None-Match` or `If-Modified-Since` to get `304 Not Modified` while nothing changed.

**Tokens.** Private endpoints need `Authorization: Bearer <token>`. Office staff issue tokens in the admin
with scopes (`agreements`, `nominations`, `mobilities`) and an expiry date, and revoke them there; every use
is logged. No token: 401; a token without the endpoint's scope: 403.

**Errors** are JSON: `{"detail": "...", "code": "..."}`, with `errors` per parameter for 400.
**Rate limits** per client address (public) or per token (private) answer 429 with `Retry-After`.
The public endpoints may be read from the browsers of the websites the portal lists in `API_CORS_ORIGINS`.
"""


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token issued by the international office in the portal's admin (`kopir_…`).",
        }
