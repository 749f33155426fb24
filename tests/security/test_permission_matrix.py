"""The permission matrix: owner / editor / viewer / outsider / anonymous x private / unlisted /
public x every endpoint of the URLconf (websockets: test_websocket_matrix.py).

Each (route, method) of tests/security/endpoints.py runs all 15 persona x visibility cells on
fresh objects and reports every cell that differs from the rule at once. The completeness tests
make the table exhaustive by construction: a route of the URLconf without a rule fails.
"""

from __future__ import annotations

import pytest

from graphs.models import Visibility
from tests.factories import UserFactory
from tests.security.calls import client_for, outcome, send
from tests.security.endpoints import (
    LOGIN,
    METHODS,
    PERSONAS,
    ROUTES,
    Call,
    Rule,
    build_world,
    site_routes,
)

pytestmark = pytest.mark.django_db

VISIBILITIES = [Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC]
CELLS = [(route, method) for route, rules in ROUTES.items() for method in rules]


@pytest.fixture
def users(db) -> dict:
    return {p: None if p == "anonymous" else UserFactory(username=f"m-{p}") for p in PERSONAS}


def test_every_route_of_the_urlconf_has_a_rule():
    missing = sorted({r.key for r in site_routes()} - set(ROUTES))
    assert missing == [], (
        f"routes without a permission rule in tests/security/endpoints.py: {missing}"
    )


def test_every_rule_names_a_real_route():
    stale = sorted(set(ROUTES) - {r.key for r in site_routes()})
    assert stale == []


@pytest.mark.parametrize(("route", "method"), CELLS, ids=[f"{m} {r or '/'}" for r, m in CELLS])
def test_it_applies_the_rule_to_every_persona_and_visibility(users, settings, route, method):
    settings.RATELIMIT_UPLOADS_PER_HOUR = 0  # this test is about permissions, not the limit
    rule: Rule = ROUTES[route][method]
    visibilities = VISIBILITIES if rule.graph else [Visibility.PRIVATE]
    clients = {p: client_for(users[p]) for p in PERSONAS}
    wrong = []
    for visibility in visibilities:
        shared = build_world(users, visibility)
        for persona in PERSONAS:
            # Reads share one world per visibility; each write gets fresh objects to act on.
            world = shared if method == "GET" else build_world(users, visibility)
            response = send(clients[persona], method, rule.call(world))
            got, wanted = outcome(response), rule.expected(persona, visibility)
            if got not in wanted:
                wrong.append(
                    f"{persona} on {visibility}: got {got}, wanted {sorted(map(str, wanted))}"
                )
            if persona != "anonymous" and method == "POST" and route == "accounts/logout/":
                clients[persona] = client_for(users[persona])  # logged out: sign in again
    assert wrong == [], f"{method} {route}:\n" + "\n".join(wrong)


UNLISTED = [
    (route, method) for route, rules in ROUTES.items() for method in METHODS if method not in rules
]


@pytest.mark.parametrize(
    ("route", "method"), UNLISTED, ids=[f"{m} {r or '/'}" for r, m in UNLISTED]
)
def test_it_refuses_every_method_a_route_has_no_rule_for(users, route, method):
    """A method without a rule is not an endpoint: the owner gets 405, no one gets a 2xx."""
    world = build_world(users, Visibility.PUBLIC)
    some_rule = next(iter(ROUTES[route].values()))
    path = some_rule.call(world).path
    for persona in ("owner", "anonymous"):
        response = send(client_for(users[persona]), method, Call(path, {}))
        got = outcome(response)
        if persona == "owner":
            assert got == 405, (method, route, persona, got)
        else:
            assert got in (405, 401, 403, LOGIN), (method, route, persona, got)
