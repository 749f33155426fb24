"""API tokens looked up in the shared cache before the database: an authenticated API request
otherwise spends a fifth of its CPU compiling and running the token query.

A revocation must hold from the very next request, in every process. So every change that can
make a cached token wrong (a revocation, a token saved or deleted, its user changed or deleted)
deletes the token's entry and leaves a tombstone, at once and after the change commits. While a tombstone
lives, the token is looked up in the database and not cached again: a reader that fetched the
token just before the change and stores it just after is ignored, and the tombstone outlives
anything such a reader could have stored.

Unknown tokens are never cached (guesses would fill the cache); nothing else about users is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.cache import cache
from django.db import transaction

ENTRY_TTL_S = 300
TOMBSTONE_TTL_S = 2 * ENTRY_TTL_S


def _entry(digest: str) -> str:
    return f"apitoken:{digest}"


def _tombstone(digest: str) -> str:
    return f"apitoken-changed:{digest}"


def keys_of(digest: str) -> tuple[str, str]:
    """The cache keys of a token's entry and of its tombstone (webapp/replayed_answers.py reads
    them with its own client)."""
    return _entry(digest), _tombstone(digest)


def token_from(
    found: Mapping[str, object], entry: str, tombstone: str
) -> tuple[object | None, bool]:
    """What the values found under `keys_of(digest)` say: (the cached token or None, whether it
    may be cached after a database lookup)."""
    if tombstone in found:
        return None, False
    return found.get(entry), True


def lookup(digest: str) -> tuple[object | None, bool]:
    """(the cached token or None, whether it may be cached after a database lookup)."""
    keys = keys_of(digest)
    return token_from(cache.get_many(list(keys)), *keys)


def store(digest: str, token: object) -> None:
    cache.set(_entry(digest), token, timeout=ENTRY_TTL_S)


def forget(digests: Iterable[str]) -> None:
    """Drop the tokens' entries and leave tombstones, now and again once the current transaction
    commits (now: a rolled-back change only costs some lookups; again: a reader between the two
    cannot keep what it stored)."""
    digests = list(digests)
    if not digests:
        return

    def drop() -> None:
        cache.delete_many([_entry(d) for d in digests])
        cache.set_many({_tombstone(d): True for d in digests}, timeout=TOMBSTONE_TTL_S)

    drop()
    transaction.on_commit(drop)


# What a user row contributes to authentication: being active, existing, and the user object the
# request carries (its name, staff flag...). A sign-in only moves last_login.
_USER_FIELDS_IGNORED = frozenset({"last_login"})


def _token_written(instance, created: bool = False, **_: object) -> None:
    if created:
        return  # nothing can have cached a token that did not exist
    forget([instance.secret_hash])


def _user_written(instance, update_fields=None, **_: object) -> None:
    if update_fields is not None and set(update_fields) <= _USER_FIELDS_IGNORED:
        return
    from webapp.accounts.models import ApiToken

    forget(ApiToken.objects.filter(user_id=instance.pk).values_list("secret_hash", flat=True))


def connect_receivers() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save, pre_delete

    from webapp.accounts.models import ApiToken

    for signal in (post_save, post_delete):
        signal.connect(_token_written, sender=ApiToken, dispatch_uid=f"token-cache-{signal}")
    user_model = get_user_model()
    post_save.connect(_user_written, sender=user_model, dispatch_uid="token-cache-user-save")
    # Before the cascade deletes the tokens, while they can still be listed.
    pre_delete.connect(_user_written, sender=user_model, dispatch_uid="token-cache-user-delete")
