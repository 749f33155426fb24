"""Redis (the channel layer) goes away under an open /ws/jobs/<id>/ socket: the server closes the
socket with 1013 "try again later" instead of crashing the consumer, refuses new sockets the same
way while Redis is away, and accepts them again, with the job's current state, once it is back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import sync_to_async

from graphs.generation.models import GenerationJob
from tests.factories import UserFactory
from tests.faults.rig import through, use_redis
from tests.faults.tcp_proxy import TcpProxy
from tests.support.websockets import job_socket
from tests.support.workers import REDIS_URL

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

TRY_AGAIN_LATER = 1013


@pytest.fixture
def redis_proxy(settings) -> Iterator[TcpProxy]:
    """This process' channel layer reaches the shared Redis (db of the generation tests) through a proxy."""
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    with TcpProxy(host, int(port)) as proxy:
        use_redis(settings, through(REDIS_URL, proxy))
        yield proxy


def queued_job() -> tuple[object, GenerationJob]:
    owner = UserFactory(username="ws-redis")
    job = GenerationJob.objects.create(
        owner=owner,
        model_id="tiny",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )
    return owner, job


async def test_it_closes_sockets_to_try_again_later_while_redis_is_away(redis_proxy):
    owner, job = await sync_to_async(queued_job)()
    socket = await job_socket(job.id, owner)
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from(timeout=10))["job"]["state"] == "queued"
    with redis_proxy.outage():
        assert await socket.receive_output(timeout=10) == {
            "type": "websocket.close",
            "code": TRY_AGAIN_LATER,
        }
        refused = await job_socket(job.id, owner)
        assert await refused.connect(timeout=10) == (False, TRY_AGAIN_LATER)
    again = await job_socket(job.id, owner)
    assert (await again.connect(timeout=10))[0]
    assert (await again.receive_json_from(timeout=10))["job"]["version"] == job.version
    await again.disconnect()
