"""The permission matrix of the websockets: every persona x visibility x route of
webapp/routing.py, signed in by session cookie and by API token (Authorization: Bearer).

A refused handshake closes with 4403 before it completes, and says nothing more.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from graphs.models import Visibility
from tests.factories import UserFactory
from tests.security.endpoints import MEMBERS, PERSONAS, World, build_world
from tests.support.websockets import handshake, websocket_routes
from webapp.accounts.tokens import create_token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

VISIBILITIES = [Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC]


def graph_rule(persona: str, visibility: str) -> bool:
    return persona in MEMBERS or visibility != Visibility.PRIVATE


def job_rule(persona: str, visibility: str) -> bool:
    return persona == "owner"


# route -> (path of the world's object, who may subscribe)
WS_ROUTES = {
    "ws/graphs/<str:graph_id>/": (lambda w: f"/ws/graphs/{w.graph.pk}/", graph_rule),
    "ws/jobs/<str:job_id>/": (lambda w: f"/ws/jobs/{w.job.pk}/", job_rule),
}


def test_every_websocket_route_has_a_rule():
    assert sorted(websocket_routes()) == sorted(WS_ROUTES)


@sync_to_async
def cast_with_tokens() -> tuple[dict, dict]:
    users = {p: None if p == "anonymous" else UserFactory(username=f"w-{p}") for p in PERSONAS}
    tokens = {p: create_token(u, "ws")[1] for p, u in users.items() if u is not None}
    return users, tokens


@pytest.mark.parametrize("route", sorted(WS_ROUTES))
async def test_it_lets_in_exactly_whoever_the_rule_names(route):
    path_of, allowed = WS_ROUTES[route]
    users, tokens = await cast_with_tokens()
    wrong = []
    for visibility in VISIBILITIES:
        world: World = await sync_to_async(build_world)(users, visibility)
        path = path_of(world)
        for persona in PERSONAS:
            ways = {"session": {"user": users[persona]}}
            if persona != "anonymous":
                ways["token"] = {"token": tokens[persona]}
            for way, auth in ways.items():
                accepted, code = await handshake(path, **auth)
                wanted = allowed(persona, visibility)
                if accepted != wanted or (not accepted and code != 4403):
                    wrong.append(
                        f"{persona} by {way} on {visibility}: accepted={accepted} code={code}"
                    )
    assert wrong == [], f"{route}:\n" + "\n".join(wrong)


async def test_a_bad_token_is_anonymous_and_sees_only_what_anonymous_may():
    users, _ = await cast_with_tokens()
    private = await sync_to_async(build_world)(users, Visibility.PRIVATE)
    public = await sync_to_async(build_world)(users, Visibility.PUBLIC)
    assert await handshake(f"/ws/graphs/{private.graph.pk}/", token="cs_forged") == (False, 4403)
    assert (await handshake(f"/ws/graphs/{public.graph.pk}/", token="cs_forged"))[0] is True
    assert await handshake(f"/ws/jobs/{public.job.pk}/", token="cs_forged") == (False, 4403)
