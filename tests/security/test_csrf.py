"""CSRF on every session-authenticated write: each unsafe (route, method) of the endpoint table
(tests/security/endpoints.py, complete by construction), sent by a browser-like client that
enforces CSRF checks, is refused with 403 without the token and let through with it.

The sender is a persona the rule allows (signed in, so the session cookie is what a forged
request would ride on); login and sign-up are sent anonymously, as a login-CSRF would be.
Requests authenticated by `Authorization: Bearer` need no token: a browser never adds that
header by itself (tests/webapp/accounts/test_bearer_authentication.py).
"""

from __future__ import annotations

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from graphs.models import Visibility
from tests.factories import UserFactory
from tests.security.calls import outcome
from tests.security.endpoints import PERSONAS, ROUTES, UNSAFE, Call, build_world

pytestmark = pytest.mark.django_db

WRITES = [
    (route, method) for route, rules in ROUTES.items() for method in rules if method in UNSAFE
]
ANONYMOUS_FORMS = {"accounts/login/", "accounts/signup/"}


@pytest.fixture
def users(db) -> dict:
    found = {p: None if p == "anonymous" else UserFactory(username=f"x-{p}") for p in PERSONAS}
    return {**found, "staff": UserFactory(username="x-staff", is_staff=True)}


def sender(route: str, who: frozenset[str]) -> str:
    if route in ANONYMOUS_FORMS:
        return "anonymous"
    if not who:
        return "staff"  # a staff-only endpoint: none of the graph personas may use it
    return next(p for p in PERSONAS if p in who and p != "anonymous")


def send(client: Client, method: str, call: Call, token: str | None):
    headers = {"HTTP_X_CSRFTOKEN": token} if token and call.json else {}
    if call.json:
        return getattr(client, method.lower())(
            call.path,
            call.data if call.data is not None else {},
            content_type="application/json",
            **headers,
        )
    data = dict(call.data or {})
    if token:
        data["csrfmiddlewaretoken"] = token
    return client.post(call.path, data)


def test_the_table_has_writes_of_every_kind():
    assert {m for _, m in WRITES} == set(UNSAFE)
    assert len(WRITES) >= 25


@pytest.mark.parametrize(("route", "method"), WRITES, ids=[f"{m} {r}" for r, m in WRITES])
def test_a_session_write_needs_the_csrf_token(users, settings, route, method):
    settings.RATELIMIT_UPLOADS_PER_HOUR = 0
    rule = ROUTES[route][method]
    persona = sender(route, rule.who)
    results = {}
    for token in (None, _get_new_csrf_string()):
        client = Client(enforce_csrf_checks=True)
        if users[persona] is not None:
            client.force_login(users[persona])
        if token:
            client.cookies["csrftoken"] = token
        world = build_world(users, Visibility.PUBLIC)
        response = send(client, method, rule.call(world), token)
        results[bool(token)] = (outcome(response), response.content)
    refused, passed = results[False], results[True]
    assert refused[0] == 403, (persona, refused)
    assert b"CSRF" in refused[1], refused[1][:300]
    assert passed[0] in rule.ok, (persona, passed[0], passed[1][:300])
