"""Brute-force brake on password logins (/accounts/login/ and the admin's login).

Failed attempts are counted twice, in the window RATELIMIT_LOGIN_WINDOW_S: per username and
client IP (RATELIMIT_LOGIN_FAILURES_PER_USER_IP: one attacker guessing one account's password),
and per client IP alone (RATELIMIT_LOGIN_FAILURES_PER_IP, higher: one address spraying many
accounts). Past either, every login attempt from there answers 429 with Retry-After, even with the
right password, until the window ends. Successful logins are not counted.

The client IP is REMOTE_ADDR, or behind a proxy named in TRUSTED_PROXIES the address that proxy
appended to X-Forwarded-For (webapp/client_address.py): never an address the client wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from webapp.client_address import client_ip
from webapp.ratelimit import Limit, rate_limited_page, record, retry_after, setting_limit

WINDOW = "RATELIMIT_LOGIN_WINDOW_S"


def _limits(request: HttpRequest, username: str) -> list[tuple[Limit, str]]:
    ip = client_ip(request)
    name = username.strip().casefold()
    return [
        (
            setting_limit("login-user-ip", "RATELIMIT_LOGIN_FAILURES_PER_USER_IP", WINDOW),
            f"{name}|{ip}",
        ),
        (setting_limit("login-ip", "RATELIMIT_LOGIN_FAILURES_PER_IP", WINDOW), ip),
    ]


def login_wait(request: HttpRequest, username: str) -> int | None:
    """Seconds before this client may try to log in as `username` again; None: it may now."""
    waits = [w for limit, ident in _limits(request, username) if (w := retry_after(limit, ident))]
    return max(waits) if waits else None


def record_failure(request: HttpRequest, username: str) -> None:
    for limit, ident in _limits(request, username):
        record(limit, ident)


@receiver(user_login_failed, dispatch_uid="circuitscope-login-rate-limit")
def _count_failed_login(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    # Sent by django.contrib.auth.authenticate() for every refused password, whichever form asked.
    if request is not None:
        record_failure(request, str(credentials.get("username", "")))


def login_rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a login POST with 429 while its username+IP or its IP is over the limit."""

    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            username = str(request.POST.get("username", ""))
            wait = login_wait(request, username)
            if wait is not None:
                context = {
                    "form": AuthenticationForm(request, initial={"username": username}),
                    "next": request.POST.get("next", ""),
                }
                return rate_limited_page(
                    request, "registration/login.html", context, "Too many failed logins", wait
                )
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "login")
    wrapper.__doc__ = view.__doc__
    return wrapper
