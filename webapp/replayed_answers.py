"""Answers anyone may read, replayed at the ASGI door without entering Django.

A public graph's metadata, a page of the public list or a public graph's body is the same bytes
for every reader, and the answer cache (graphs/answer_cache.py) already keeps the metadata and
lists. Yet each request for one still paid Django's handler: a thread of its own, the middleware
chain, DRF's authentication and dispatch, a few milliseconds of CPU that were most of the
request's cost. Here the whole HTTP answer that
Django sent (status, every header its middleware added, body) is kept beside the cached answer,
under the same epoch, and sent again for the same request without a thread or a middleware.

What may be replayed is decided inside Django, never here: only a view that served an answer
anyone may read (a public graph's metadata, body or list) marks its response
(`mark_replayable`), after the permission rules of graphs/permissions.py have run. A replay is found by everything of the
request that can change Django's answer (method, scheme, host, forwarded headers, path, query,
Accept, Accept-Encoding, If-None-Match), so a host Django refused, or a redirect to https, is
never replayed. It is served only while the answer epoch is the one it was made under (any write
moves it).

The credentials are checked as Django would: no cookie but the CSRF one (a session is Django's
business), and either no Authorization or a Bearer token whose cached entry
(webapp/accounts/token_cache.py) is present, not tombstoned, of an active user and recently
marked used; anything else, a malformed header included, goes to Django, which answers it as
before (401, a refresh of last_used_at).
Any trouble with Redis sends the request to Django too, whose outage handling then applies.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import pickle
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The request headers that can change what Django answers to a GET of a cached public answer.
KEYED_HEADERS = (
    b"host",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"x-forwarded-port",
    b"accept",
    b"accept-encoding",
    b"if-none-match",
)
# Answers larger than this (a big graph's body) are streamed by Django every time.
REPLAY_MAX_BYTES = 2 * 1024 * 1024
REPLAY_TTL_S = 300
# After Redis failed, requests go straight to Django for this long instead of each waiting on it.
PAUSE_AFTER_FAILURE_S = 5.0
REDIS_TIMEOUT_S = 0.5


@dataclass
class _Slot:
    """Where the view running this request leaves the epoch its replayable answer was made under."""

    epoch: int | None = None


_slot: contextvars.ContextVar[_Slot | None] = contextvars.ContextVar("replay_slot", default=None)


def mark_replayable(epoch: int) -> None:
    """Called by a view whose answer came from the answer cache and is the same for anyone: the
    response may be replayed to the same request while `epoch` is current. Outside the ASGI
    wrapper (tests, WSGI) nothing happens."""
    slot = _slot.get()
    if slot is not None:
        slot.epoch = epoch


def recording() -> bool:
    """True while the request runs inside the ASGI wrapper, which may record its answer."""
    return _slot.get() is not None


def request_digest(scope: Scope) -> str | None:
    """What identifies the request's answer, or None when the request is not one to replay."""
    headers = scope.get("headers", ())
    keyed: dict[bytes, bytes] = {}
    authorized = False
    for name, value in headers:
        name = name.lower()
        if name == b"cookie":
            if not _only_csrf_cookie(value):
                return None
            continue
        if name == b"authorization":
            authorized = True
        elif name in KEYED_HEADERS:
            if name in keyed:  # a repeated header: Django's reading of it is not ours to guess
                return None
            keyed[name] = value
    parts = [
        scope.get("scheme", "http").encode(),
        scope.get("root_path", "").encode(),
        scope["path"].encode("utf-8", "surrogateescape"),
        scope.get("query_string", b""),
        b"auth" if authorized else b"anon",
        *(keyed.get(name, b"-") for name in KEYED_HEADERS),
    ]
    return hashlib.blake2b(b"\0".join(parts), digest_size=20).hexdigest()


def _only_csrf_cookie(header: bytes) -> bool:
    """True when the cookies are the CSRF cookie alone, which changes no answer to a GET (a
    session, or a message waiting to be shown, would: those requests go to Django)."""
    from django.conf import settings

    csrf = settings.CSRF_COOKIE_NAME.encode()
    return all(
        part.split(b"=", 1)[0].strip() == csrf for part in header.split(b";") if part.strip()
    )


def _bearer_token(scope: Scope) -> tuple[bool, str | None]:
    """(whether the credentials allow a replay, the token if one was given)."""
    values = [v for n, v in scope.get("headers", ()) if n.lower() == b"authorization"]
    if not values:
        return True, None
    if len(values) > 1:
        return False, None
    parts = values[0].split()
    if len(parts) != 2 or parts[0].lower() != b"bearer":
        return False, None
    try:
        return True, parts[1].decode("ascii")
    except UnicodeDecodeError:
        return False, None


class ReplayedAnswers:
    """ASGI wrapper of Django's HTTP application: replays marked answers, records new ones."""

    def __init__(self, app: ASGIApp, *, paths: str) -> None:
        self.app = app
        self.paths = re.compile(paths)
        self._redis: Any = None
        self._paused_until = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        digest = self._digest(scope)
        if digest is None:
            await self.app(scope, receive, send)
            return
        try:
            if await self._replay(scope, digest, send):
                return
        except Exception:
            self._pause("replay")
        await self._record(scope, receive, send, digest)

    def _digest(self, scope: Scope) -> str | None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or time.monotonic() < self._paused_until
            or not self.paths.fullmatch(scope["path"])
        ):
            return None
        client = self._client()
        return request_digest(scope) if client is not None else None

    def _client(self) -> Any:
        """The asyncio Redis client of the Django cache's server, or None when the cache is not
        Redis (the embedded mode: one process, nothing to share)."""
        if self._redis is None:
            from django.conf import settings

            config = settings.CACHES["default"]
            if config["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
                self._redis = False
            else:
                import redis.asyncio

                location = config["LOCATION"]
                url = location[0] if isinstance(location, list | tuple) else location
                self._redis = redis.asyncio.Redis.from_url(
                    url,
                    socket_timeout=REDIS_TIMEOUT_S,
                    socket_connect_timeout=REDIS_TIMEOUT_S,
                )
        return self._redis or None

    def _pause(self, what: str) -> None:
        log.warning(
            "answer replay: Redis failed (%s); Django serves for a while", what, exc_info=True
        )
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_S

    async def _replay(self, scope: Scope, digest: str, send: Send) -> bool:
        from django.core.cache import cache
        from django.core.cache.backends.redis import RedisSerializer

        from graphs.answer_cache import EPOCH_KEY
        from webapp.accounts import token_cache
        from webapp.accounts.models import hash_token
        from webapp.accounts.tokens import token_is_fresh

        allowed, plaintext = _bearer_token(scope)
        if not allowed:
            return False
        keys = [cache.make_key(EPOCH_KEY), _replay_key(digest)]
        if plaintext is not None:
            token_keys = token_cache.keys_of(hash_token(plaintext))
            keys += [cache.make_key(k) for k in token_keys]
        values = await self._client().mget(keys)
        epoch_raw, stored = values[0], values[1]
        if epoch_raw is None or stored is None:
            return False
        serializer = RedisSerializer()
        if plaintext is not None:
            found = {
                k: serializer.loads(v) for k, v in zip(token_keys, values[2:], strict=True) if v
            }
            token, _ = token_cache.token_from(found, *token_keys)
            if token is None or not token_is_fresh(token):
                return False
        epoch, status, headers, body = pickle.loads(stored)
        if epoch != serializer.loads(epoch_raw):
            return False
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    async def _record(self, scope: Scope, receive: Receive, send: Send, digest: str) -> None:
        slot = _Slot()
        reset = _slot.set(slot)
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        complete = False

        async def capturing_send(message: Message) -> None:
            nonlocal start, complete, size
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and size <= REPLAY_MAX_BYTES:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                complete = not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive, capturing_send)
        finally:
            _slot.reset(reset)
        if slot.epoch is None or start is None or not complete or size > REPLAY_MAX_BYTES:
            return
        headers = [(bytes(n), bytes(v)) for n, v in start.get("headers", ())]
        if start["status"] not in (200, 304) or any(n.lower() == b"set-cookie" for n, _ in headers):
            return
        stored = pickle.dumps((slot.epoch, start["status"], headers, b"".join(chunks)))
        try:
            await self._client().set(_replay_key(digest), stored, ex=REPLAY_TTL_S)
        except Exception:
            self._pause("record")


def _replay_key(digest: str) -> str:
    from django.core.cache import cache

    return cache.make_key(f"replay:{digest}")
