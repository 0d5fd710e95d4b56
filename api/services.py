import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SHOWN_LENGTH, TOKEN_PREFIX, ApiToken, ApiTokenUse, hash_secret

PATH_LENGTH = ApiTokenUse._meta.get_field("path").max_length


@transaction.atomic
def issue_token(*, name: str, scopes: list[str], expires_at: datetime.datetime, created_by) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret; only the secret's hash is stored, so it is never shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        scopes=list(scopes),
        expires_at=expires_at,
        created_by=created_by,
        shown_part=secret[:SHOWN_LENGTH],
        key_hash=hash_secret(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by) -> ApiToken:
    """Stop a token for good; the change history records who revoked it and when."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at:
        raise ValidationError(_("This token is already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token._change_reason = "revoked"
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def record_token_use(token: ApiToken, *, method: str, path: str, status: int, client: str | None, now=None) -> None:
    """Log one request made with a token and move its "last used" time; two queries, no history row."""
    now = now or timezone.now()
    ApiTokenUse.objects.create(
        token=token, at=now, method=method[:10], path=path[:PATH_LENGTH], status=status, client=client
    )
    # Only forward: of two requests finishing out of order, the later one's time stays.
    ApiToken.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now), pk=token.pk).update(
        last_used_at=now
    )


def purge_token_uses(*, now=None) -> int:
    """Delete the uses older than API_TOKEN_LOG_DAYS days, so the log stays bounded; returns how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.API_TOKEN_LOG_DAYS)
    deleted, _by_model = ApiTokenUse.objects.filter(at__lt=cutoff).delete()
    return deleted
