"""Brake on account farming: at most RATELIMIT_SIGNUPS_PER_IP_PER_HOUR new accounts per client IP
per hour. Only created accounts count (a form sent back with a typo does not); past the limit a
sign-up from that address answers 429 with Retry-After until the hour ends.

The client IP is the one the login limits use (webapp/client_address.py, on proxies).
"""

from __future__ import annotations

from django.http import HttpRequest

from webapp.client_address import client_ip
from webapp.ratelimit import Limit, record, retry_after, setting_limit


def _limit(request: HttpRequest) -> tuple[Limit, str]:
    return setting_limit("signup-ip", "RATELIMIT_SIGNUPS_PER_IP_PER_HOUR", 3600), client_ip(request)


def signup_wait(request: HttpRequest) -> int | None:
    """Seconds before this address may create another account; None: it may now."""
    return retry_after(*_limit(request))


def record_signup(request: HttpRequest) -> None:
    record(*_limit(request))
