"""Creating and checking API tokens: the secret is shown once, only its digest is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from motcua.accounts.models import ApiToken, User
from motcua.core import clock
from motcua.core.audit import audit_record

TOKEN_PREFIX = "mc_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str, actor: User) -> tuple[ApiToken, str]:
    """Return the token row and the secret to hand to the user (never stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, prefix=secret[:10], digest=_digest(secret))
        audit_record(actor=actor, action="api_token.create", obj=token, name=name)
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def user_for_token(secret: str) -> User | None:
    """The active user behind a bearer secret, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    # Recorded to the minute at most: a write and a commit on every API call would cost more than it tells.
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
