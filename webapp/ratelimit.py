"""Fixed-window rate limits counted in Django's cache.

The cache is Redis when REDIS_URL is set, so every server process shares the counts; otherwise it
is the process's local memory (one process: the embedded mode). A window starts at a multiple of
its length, so a client may make up to twice `max_hits` across a window boundary: the limits are
brakes on brute force and floods, not exact quotas (generation has those, in the database).

Identifiers (a user id, a username with an IP address) are hashed into the key: any text is a
valid key, and a username never appears in Redis.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_now = time.time  # the clock; tests move it to the next window


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int  # 0 turns the limit off
    window_s: int

    def _window(self, ident: str, now: float) -> tuple[str, float]:
        start = int(now // self.window_s) * self.window_s
        digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"ratelimit:{self.name}:{start}:{digest}", start + self.window_s


def setting_limit(name: str, max_setting: str, window_s: int | str) -> Limit:
    """A limit whose size is read from settings now (tests and benchmarks change them)."""
    window = window_s if isinstance(window_s, int) else int(getattr(settings, window_s))
    return Limit(name, int(getattr(settings, max_setting)), window)


def retry_after(limit: Limit, ident: str) -> int | None:
    """Seconds until `ident` may try again, or None while it is under the limit. Counts nothing."""
    if limit.max_hits <= 0:
        return None
    now = _now()
    key, end = limit._window(ident, now)
    if int(cache.get(key) or 0) >= limit.max_hits:
        return max(1, math.ceil(end - now))
    return None


def record(limit: Limit, ident: str) -> int:
    """Count one hit; the count in the current window."""
    if limit.max_hits <= 0:
        return 0
    now = _now()
    key, end = limit._window(ident, now)
    timeout = math.ceil(end - now) + 1
    if cache.add(key, 1, timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: this hit opens the next window
        cache.add(key, 1, timeout)
        return 1


def unrecord(limit: Limit, ident: str) -> None:
    """Take back one hit of the current window (a counted attempt that turned out not to count)."""
    if limit.max_hits <= 0:
        return
    key, _end = limit._window(ident, _now())
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to take back
        cache.decr(key)


def hit(limit: Limit, ident: str) -> int | None:
    """Count one attempt and say whether it went over: seconds to wait, or None when allowed.
    Counting first, then comparing, keeps concurrent requests from all slipping under the limit."""
    if limit.max_hits <= 0:
        return None
    if record(limit, ident) <= limit.max_hits:
        return None
    return retry_after(limit, ident) or 1


def wait_message(what: str, seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    when = f"{seconds} seconds" if seconds < 120 else f"{minutes} minutes"
    return f"{what}: try again in {when}"


def rate_limited_page(
    request: HttpRequest, template: str, context: dict, what: str, wait: int
) -> HttpResponse:
    """`template` rendered with a 429, Retry-After and the message `rate_limited` in its context."""
    response = render(
        request, template, {**context, "rate_limited": wait_message(what, wait)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
