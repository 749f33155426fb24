"""A revoked API token stops working at once: on the next REST request (also tested in
tests/webapp/accounts/test_bearer_authentication.py) and on the websockets it had opened, which
close with 4401 as soon as the revocation commits. Sockets signed in otherwise stay open."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from graphs.models import Visibility
from tests.factories import UserFactory
from tests.security.endpoints import PERSONAS, build_world
from tests.support.websockets import socket
from webapp.accounts.tokens import create_token
from webapp.ws_close_codes import TOKEN_REVOKED

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@sync_to_async
def setting() -> tuple[dict, object, str, object]:
    users = {p: None if p == "anonymous" else UserFactory(username=f"t-{p}") for p in PERSONAS}
    world = build_world(users, Visibility.PRIVATE)
    token, plaintext = create_token(users["owner"], "follow jobs")
    return users, world, plaintext, token


@sync_to_async
def revoke_through_the_api(user, token_id: str) -> int:
    client = Client()
    client.force_login(user)
    return client.delete(f"/api/tokens/{token_id}/").status_code


@sync_to_async
def rest_status(plaintext: str, path: str) -> int:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code


async def test_it_closes_the_token_s_open_websockets_at_once_and_refuses_the_next_request():
    users, world, plaintext, token = await setting()
    graph_path, job_path = f"/ws/graphs/{world.graph.pk}/", f"/ws/jobs/{world.job.pk}/"
    by_token = [await socket(graph_path, token=plaintext), await socket(job_path, token=plaintext)]
    by_session = await socket(graph_path, users["owner"])
    for communicator in (*by_token, by_session):
        assert (await communicator.connect(timeout=5))[0]
        await communicator.receive_json_from(timeout=5)  # hello / the job's current state
    assert await rest_status(plaintext, f"/api/graphs/{world.graph.pk}/") == 200

    assert await revoke_through_the_api(users["owner"], token.pk) == 204

    for communicator in by_token:
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": TOKEN_REVOKED}
    assert await by_session.receive_nothing(timeout=0.3)  # the session's socket stays open
    await by_session.disconnect()
    assert await rest_status(plaintext, f"/api/graphs/{world.graph.pk}/") == 401
    reconnect = await socket(graph_path, token=plaintext)
    assert await reconnect.connect(timeout=5) == (False, 4403)


async def test_a_revocation_that_rolls_back_closes_nothing():
    from django.db import transaction

    from webapp.accounts.tokens import revoke_token

    _, world, plaintext, token = await setting()
    communicator = await socket(f"/ws/graphs/{world.graph.pk}/", token=plaintext)
    assert (await communicator.connect(timeout=5))[0]
    await communicator.receive_json_from(timeout=5)

    @sync_to_async
    def revoke_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            revoke_token(token)
            raise RuntimeError("the surrounding write failed")

    await revoke_then_fail()
    assert await communicator.receive_nothing(timeout=0.3)
    assert await rest_status(plaintext, f"/api/graphs/{world.graph.pk}/") == 200
    await communicator.disconnect()
