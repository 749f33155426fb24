r"""Brute-force brake on password logins (/accounts/login/ and the admin's login).

Login attempts are counted twice, in the window RATELIMIT_LOGIN_WINDOW_S: per username and
client IP (RATELIMIT_LOGIN_FAILURES_PER_USER_IP: one attacker guessing one account's password),
and per client IP alone (RATELIMIT_LOGIN_FAILURES_PER_IP, higher: one address spraying many
accounts). Past either, every login attempt from there answers 429 with Retry-After, even with the
right password, until the window ends.

Check and count are one step: each attempt first adds itself to both counts (an atomic increment
in the cache) and is refused when that takes either count past its limit, so simultaneous
attempts cannot all pass a check made before any of them was counted. An attempt that logs in
takes its count back: successful logins are not counted.

The username is counted as the login form reads it (stripped, NFKC-normalised, as Django's
UsernameField does) and case-folded, so `\uff56iewer` (a fullwidth v) and `Viewer` are `viewer`.

The client IP is REMOTE_ADDR, or behind a proxy named in TRUSTED_PROXIES the address that proxy
appended to X-Forwarded-For (webapp/client_address.py): never an address the client wrote.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from webapp.client_address import client_ip
from webapp.ratelimit import Limit, rate_limited_page, record, retry_after, setting_limit, unrecord

WINDOW = "RATELIMIT_LOGIN_WINDOW_S"
_SUCCEEDED = "_circuitscope_login_succeeded"


def login_name(username: str) -> str:
    """The username as the login form will look it up, case-folded: the key it is counted under."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username.strip()).casefold())


def _limits(request: HttpRequest, username: str) -> list[tuple[Limit, str]]:
    ip = client_ip(request)
    return [
        (
            setting_limit("login-user-ip", "RATELIMIT_LOGIN_FAILURES_PER_USER_IP", WINDOW),
            f"{login_name(username)}|{ip}",
        ),
        (setting_limit("login-ip", "RATELIMIT_LOGIN_FAILURES_PER_IP", WINDOW), ip),
    ]


def count_attempt(request: HttpRequest, username: str) -> int | None:
    """Count one attempt under every limit; seconds to wait when that took one past its limit
    (the attempt is refused), None when it may go ahead."""
    waits = []
    for limit, ident in _limits(request, username):
        if record(limit, ident) > limit.max_hits > 0:
            waits.append(retry_after(limit, ident) or 1)
    return max(waits) if waits else None


def forget_attempt(request: HttpRequest, username: str) -> None:
    """Take back an attempt that logged in."""
    for limit, ident in _limits(request, username):
        unrecord(limit, ident)


@receiver(user_logged_in, dispatch_uid="circuitscope-login-succeeded")
def _mark_success(sender, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None:
        setattr(request, _SUCCEEDED, True)


def login_rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count each login POST before it is checked; 429 once its username+IP or its IP is past
    the limit."""

    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = str(request.POST.get("username", ""))
        wait = count_attempt(request, username)
        if wait is not None:
            context = {
                "form": AuthenticationForm(request, initial={"username": username}),
                "next": request.POST.get("next", ""),
            }
            return rate_limited_page(
                request, "registration/login.html", context, "Too many failed logins", wait
            )
        response = view(request, *args, **kwargs)
        if getattr(request, _SUCCEEDED, False):
            forget_attempt(request, username)
        return response

    wrapper.__name__ = getattr(view, "__name__", "login")
    wrapper.__doc__ = view.__doc__
    return wrapper
