"""Ids of private things cannot be enumerated: to whoever may not see it, a private graph (and
everything under it: subgraphs, collaborators, activity, dashboards, data), another user's job or
token answers exactly as an id that does not exist, in status, content type and body, on the
API, the pages and the websockets.

A difference in the body was a real leak: the graph-dashboard API answered "No Graph matches the
given query." for a missing graph and "no such graph" for a private one.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from graphs.ids import new_public_id
from graphs.models import Visibility
from tests.factories import UserFactory
from tests.security.calls import send
from tests.security.endpoints import PERSONAS, ROUTES, Call, Rule, World, build_world
from tests.support.websockets import handshake

pytestmark = pytest.mark.django_db

HIDDEN_FROM = ("outsider", "anonymous")
CELLS = [
    (route, method)
    for route, rules in ROUTES.items()
    for method, rule in rules.items()
    if rule.graph or rule.own
]


@pytest.fixture
def users(db) -> dict:
    return {p: None if p == "anonymous" else UserFactory(username=f"e-{p}") for p in PERSONAS}


def secret_id(rule: Rule, world: World, path: str) -> str:
    """The id in `path` that the visitor may not see: the graph's, or the owner's job or token."""
    if rule.graph:
        return world.graph.pk
    return next(i for i in (world.job.pk, world.token_id) if i in path)


# Pages for a signed-in user carry a CSRF token (the log-out form), masked afresh each time.
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def answer(client: Client, method: str, call: Call) -> tuple:
    response = send(client, method, call)
    return (
        response.status_code,
        response.get("Content-Type"),
        response.get("Location", ""),
        CSRF_TOKEN.sub(b'name="csrfmiddlewaretoken" value=""', response.content),
    )


@pytest.mark.parametrize(("route", "method"), CELLS, ids=[f"{m} {r}" for r, m in CELLS])
def test_a_private_id_answers_as_a_missing_one(users, settings, route, method):
    settings.RATELIMIT_UPLOADS_PER_HOUR = 0
    rule = ROUTES[route][method]
    shared = build_world(users, Visibility.PRIVATE)
    for persona in HIDDEN_FROM:
        client = Client()
        if users[persona] is not None:
            client.force_login(users[persona])
        world = shared if method == "GET" else build_world(users, Visibility.PRIVATE)
        real = rule.call(world)
        hidden_id = secret_id(rule, world, real.path)
        missing_id = new_public_id()
        missing = Call(real.path.replace(hidden_id, missing_id), real.data, real.json)
        for extra in ("HEAD", "OPTIONS") if method == "GET" else ():
            assert answer(client, extra, real)[:2] == answer(client, extra, missing)[:2], extra
        private_answer = answer(client, method, real)
        missing_answer = answer(client, method, missing)
        # A login redirect names the page it came from: compare with the ids swapped back.
        normalized = tuple(
            part.replace(missing_id, hidden_id)
            if isinstance(part, str)
            else part.replace(missing_id.encode(), hidden_id.encode())
            if isinstance(part, bytes)
            else part
            for part in missing_answer
        )
        assert private_answer == normalized, (persona, private_answer[:3], normalized[:3])
        assert private_answer[0] in (401, 403, 404, 302), (persona, private_answer[0])
        if persona == "outsider":
            assert private_answer[0] == 404  # signed in: not found, never "forbidden"


@pytest.mark.django_db(transaction=True)
async def test_websockets_refuse_a_private_id_as_a_missing_one():
    from asgiref.sync import sync_to_async

    @sync_to_async
    def setting():
        users = {p: None if p == "anonymous" else UserFactory(username=f"we-{p}") for p in PERSONAS}
        return users, build_world(users, Visibility.PRIVATE)

    users, world = await setting()
    for persona in HIDDEN_FROM:
        user = users[persona]
        for kind, real in (("graphs", world.graph.pk), ("jobs", world.job.pk)):
            private = await handshake(f"/ws/{kind}/{real}/", user)
            missing = await handshake(f"/ws/{kind}/{new_public_id()}/", user)
            assert private == missing == (False, 4403), (persona, kind, private, missing)
