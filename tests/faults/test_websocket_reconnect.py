"""A websocket client of /ws/jobs/<id>/ disconnects mid-job and reconnects: it gets the job's
current state at once, then every remaining event in order, then the final state. Nothing is lost
from the job's point of view: the job runs on unaware of its watchers."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import sync_to_async

from graphs.generation.models import GenerationJob
from tests.factories import UserFactory
from tests.faults.audit import assert_no_partial_graph
from tests.support.flow import assert_graph_stored, submit
from tests.support.websockets import job_socket, receive_until_final

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def current_version(job_id: str) -> int:
    return GenerationJob.objects.values_list("version", flat=True).get(pk=job_id)


def wait_past(job_id: str, version: int, timeout: float) -> int:
    """Poll (tightly: the job moves fast) until the job's version passes `version`."""
    deadline = time.monotonic() + timeout
    while (now := current_version(job_id)) <= version:
        if time.monotonic() > deadline:
            raise AssertionError(f"the job did not move past version {version} in {timeout} s")
        time.sleep(0.002)
    return now


async def next_job_message(socket, timeout: float = 30) -> dict:
    return (await socket.receive_json_from(timeout=timeout))["job"]


async def test_it_resumes_with_the_current_state_then_the_rest(rigged):
    pg_proxy = rigged.pg_proxy
    owner = await sync_to_async(UserFactory)(username="ws-reconnect")
    job_id = (await sync_to_async(submit)(owner))["id"]

    first = await job_socket(job_id, owner)
    assert (await first.connect())[0]
    seen = [await next_job_message(first)]
    while seen[-1]["state"] != "running":
        seen.append(await next_job_message(first, timeout=60))
    await first.disconnect()

    # While nobody listens the job moves on (events the client misses), then it is held at its
    # next database call, so it is surely unfinished when the client comes back.
    await sync_to_async(wait_past)(job_id, seen[-1]["version"], 60)
    pg_proxy.pause()
    held_at = await sync_to_async(current_version)(job_id)
    assert held_at > seen[-1]["version"]

    second = await job_socket(job_id, owner)
    assert (await second.connect())[0]
    resumed = await next_job_message(second, timeout=10)
    assert resumed["version"] == held_at and resumed["state"] == "running"
    pg_proxy.restore()
    rest = await receive_until_final(second, timeout=60)

    versions = [m["version"] for m in [resumed, *rest]]
    assert versions == sorted(set(versions)), versions  # in order, none stale or repeated
    assert len(rest) >= 2  # events after the reconnect, then the final state
    assert rest[-1]["state"] == "succeeded", rest[-1]["error"]
    job = await sync_to_async(GenerationJob.objects.get)(pk=job_id)
    assert job.attempts == 1 and rest[-1]["version"] == job.version
    await sync_to_async(assert_graph_stored)(job)
    await sync_to_async(assert_no_partial_graph)()
