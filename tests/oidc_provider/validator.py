import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def people() -> dict:
    """{username: {"password": ..., "claims": {...}}} as the test suite wrote it."""
    return json.loads((settings.DATA_DIR / "people.json").read_text())


class PeopleValidator(OAuth2Validator):
    """Claims come from people.json, as a university's directory would give them; every claim in every token."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return people()[request.user.username]["claims"]
