"""Write paths and lookup of personal API tokens, one transaction each."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from webapp.accounts import token_cache
from webapp.accounts.models import VISIBLE_PREFIX_LENGTH, ApiToken, generate_token, hash_token

# last_used_at is informative; rewriting it on every request would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS_PER_USER = 50

# Sent once a revocation has committed, with `token_id`: open websockets authenticated by the
# token close on it (webapp/accounts/ws_auth.py), as REST requests fail from the next one on.
token_revoked = Signal()


class TokenLimitReached(Exception):
    pass


@transaction.atomic
def create_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """Create a token; return the row and the plaintext token, which is never stored."""
    # Lock the user's row so two concurrent creations cannot both pass the limit check.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS_PER_USER:
        raise TokenLimitReached(
            f"at most {MAX_ACTIVE_TOKENS_PER_USER} active tokens per account: revoke one first"
        )
    plaintext = generate_token()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=plaintext[:VISIBLE_PREFIX_LENGTH],
        secret_hash=hash_token(plaintext),
    )
    return token, plaintext


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke at once; revoking twice keeps the first revocation time."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at", "secret_hash"])
    if revoked:
        token_cache.forget([token.secret_hash])
        token_id = token.pk
        transaction.on_commit(lambda: token_revoked.send(sender=ApiToken, token_id=token_id))
    return token


def _used_lately(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION


def token_is_fresh(token: ApiToken) -> bool:
    """True when `user_for_token` would accept this token as found in the cache and write
    nothing: its user is active and its last use is recorded to the resolution."""
    return token.user.is_active and _used_lately(token, timezone.now())


def user_for_token(plaintext: str) -> tuple[AbstractBaseUser, ApiToken] | None:
    """The active user a token belongs to, or None for an unknown, revoked or disabled one."""
    digest = hash_token(plaintext)
    token, cacheable = token_cache.lookup(digest)
    if token is None:
        token = ApiToken.objects.active().select_related("user").filter(secret_hash=digest).first()
        if token is None:
            return None
        if cacheable:
            token_cache.store(digest, token)
    if not token.user.is_active:
        return None
    now = timezone.now()
    if not _used_lately(token, now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        if cacheable:
            token_cache.store(digest, token)
    return token.user, token
