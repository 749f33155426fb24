"""/ws/jobs/{id}/: the current state at once, then events; outsiders and anonymous refused."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from graphs.generation.models import GenerationJob
from graphs.generation.services import jobs
from tests.factories import UserFactory
from tests.support.websockets import job_socket

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def make_job() -> tuple[GenerationJob, object, object]:
    owner, outsider = UserFactory(username="wsowner"), UserFactory(username="wsoutsider")
    job = GenerationJob.objects.create(
        owner=owner,
        model_id="words",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )
    return job, owner, outsider


async def test_the_owner_gets_the_current_state_then_events():
    job, owner, _ = await make_job()
    await sync_to_async(jobs.claim)(job.id, "worker-a")
    socket = await job_socket(job.id, owner)
    connected, _ = await socket.connect()
    assert connected
    first = (await socket.receive_json_from(timeout=5))["job"]
    assert (first["state"], first["phase"]) == ("running", "loading")  # a late subscriber's view
    await sync_to_async(jobs.progress)(job.id, "worker-a", "feature rows", 3, 7)
    event = (await socket.receive_json_from(timeout=5))["job"]
    assert (event["phase"], event["done"], event["total"]) == ("feature rows", 3, 7)
    await sync_to_async(jobs.fail)(job.id, "the engine said no", "worker-a")
    final = (await socket.receive_json_from(timeout=5))["job"]
    assert final["state"] == "failed" and final["error"] == "the engine said no"
    assert (await socket.receive_output(timeout=5))["type"] == "websocket.close"


async def test_an_outsider_is_refused():
    job, _, outsider = await make_job()
    socket = await job_socket(job.id, outsider)
    connected, code = await socket.connect()
    assert not connected and code == 4403


async def test_anonymous_is_refused():
    job, _, _ = await make_job()
    socket = await job_socket(job.id)
    connected, _ = await socket.connect()
    assert not connected


async def test_an_unknown_job_is_refused():
    _, owner, _ = await make_job()
    socket = await job_socket("no-such-job", owner)
    connected, _ = await socket.connect()
    assert not connected


async def test_a_rest_client_subscribes_with_its_api_token_and_a_bad_token_is_refused():
    from channels.testing import WebsocketCommunicator

    from webapp.accounts.tokens import create_token
    from webapp.asgi import application

    job, owner, outsider = await make_job()
    _, plaintext = await sync_to_async(create_token)(owner, "cli")
    _, other = await sync_to_async(create_token)(outsider, "cli")

    def socket(token: str) -> WebsocketCommunicator:
        headers = [
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),  # the Origin must be the site's own
            (b"authorization", f"Bearer {token}".encode()),
        ]
        return WebsocketCommunicator(application, f"/ws/jobs/{job.id}/", headers=headers)

    mine = socket(plaintext)
    assert (await mine.connect())[0]
    assert (await mine.receive_json_from(timeout=5))["job"]["id"] == job.id
    await mine.disconnect()
    assert not (await socket(other).connect())[0]
    assert not (await socket("not-a-token").connect())[0]
