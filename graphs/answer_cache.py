"""Answers anyone may read, kept ready: a public or unlisted graph's metadata and the pages of the
public graph lists, as the bytes the API sends.

Invalidation is exact and global: every committed write to a graph, or to a user (whose name the
answers carry), moves one epoch number, and every cached answer is keyed by the epoch it was built
under, so after a write no earlier answer is ever found again. The epoch moves when the write is
made and again after its commit: a reader that saw the old rows may still store its answer, but
under an epoch nobody reads any more. The first epoch is a timestamp, so an epoch lost from the cache
(eviction, a restart) never restarts at a number earlier answers were stored under.

Private graphs are never cached: who may see them depends on the reader. Without a shared cache
(the embedded mode's in-process one) there is one process, which sees its own writes."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

EPOCH_KEY = "answers:epoch"
# Bounds the memory of answers nobody asks for again, and the life of one stored under an epoch
# whose move was lost (the cache unreachable just then).
ANSWER_TTL_S = 300


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str  # a strong validator of `body`
    cacheable: bool  # False: about a private graph, not kept


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def current_epoch() -> int:
    epoch = cache.get(EPOCH_KEY)
    if epoch is None:
        cache.add(EPOCH_KEY, time.time_ns(), timeout=None)
        epoch = cache.get(EPOCH_KEY)
    return int(epoch)


def _move_epoch() -> None:
    try:
        cache.incr(EPOCH_KEY)
    except ValueError:  # gone from the cache: a fresh timestamp is past every earlier epoch
        cache.add(EPOCH_KEY, time.time_ns(), timeout=None)
    except Exception:
        log.exception(
            "could not move the answer epoch; cached answers expire within %ss", ANSWER_TTL_S
        )


def invalidate() -> None:
    """Forget every cached answer, now and again once the current transaction commits: a reader
    between the two, who may have seen the rows before the commit, stored under an epoch that is
    gone by then; a change rolled back only cost a cache miss."""
    _move_epoch()
    transaction.on_commit(_move_epoch)


def answer(key: str, build: Callable[[], Answer]) -> tuple[Answer, int]:
    """The answer stored under `key` for the current epoch, else `build()`'s (kept if cacheable),
    with that epoch: whatever is derived from the answer is as fresh as the epoch is current."""
    epoch = current_epoch()
    # Hashed: keys carry query strings and host names, which not every cache accepts as they are.
    full_key = f"answers:{epoch}:{hashlib.blake2b(key.encode(), digest_size=20).hexdigest()}"
    found = cache.get(full_key)
    if found is not None:
        return found, epoch
    built = build()
    if built.cacheable:
        cache.set(full_key, built, timeout=ANSWER_TTL_S)
    return built, epoch


# What a user row contributes to cached answers: the name shown as owner, and whether they exist.
_USER_FIELDS_NOT_SHOWN = frozenset({"last_login", "password"})


def _graph_written(**_: object) -> None:
    invalidate()


def _graph_saved(instance, created: bool = False, **_: object) -> None:
    # A new private graph (what a generation stores by default) is in no answer anyone may read:
    # keep the answers, and their replays, instead of dropping them all at once.
    from graphs.models import Visibility

    if created and instance.visibility == Visibility.PRIVATE:
        return
    invalidate()


def _user_written(update_fields: frozenset[str] | None = None, **_: object) -> None:
    if update_fields is not None and set(update_fields) <= _USER_FIELDS_NOT_SHOWN:
        return  # a sign-in or a password change: nothing an answer shows
    invalidate()


def connect_receivers() -> None:
    """Move the epoch on every write of a graph or a user (the graphs app's ready())."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from graphs.models import Graph

    post_save.connect(_graph_saved, sender=Graph, dispatch_uid="answers-graph-save")
    post_delete.connect(_graph_written, sender=Graph, dispatch_uid="answers-graph-delete")
    user_model = get_user_model()
    post_save.connect(_user_written, sender=user_model, dispatch_uid="answers-user-save")
    post_delete.connect(_graph_written, sender=user_model, dispatch_uid="answers-user-delete")
