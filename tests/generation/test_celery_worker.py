"""The production path for real: a Celery worker process on the CPU queue, Redis db 7 as broker
and channel layer, PostgreSQL, a tiny model built by the engine's helpers."""

from __future__ import annotations

import os
import signal

import pytest
from asgiref.sync import sync_to_async

from graphs.generation.models import GenerationJob
from tests.factories import UserFactory
from tests.support.flow import (
    api_for,
    assert_graph_stored,
    assert_phases_in_order,
    submit,
    wait_final,
    wait_for,
)
from tests.support.websockets import job_socket, receive_until_final
from tests.support.workers import announce

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
]

# Bounded: generous for a loaded 2-core CI machine, yet far below Redis' one-hour redelivery.
FINAL_WITHIN_S = 120


async def test_a_worker_generates_a_graph_while_the_socket_sees_every_phase(
    start_worker, celery_mode
):
    owner = await sync_to_async(UserFactory)(username="celery-owner")
    # Submissions need an announced worker; the one started below takes the job afterwards.
    await sync_to_async(announce)(celery_mode[1], ["tiny"])
    job = await sync_to_async(submit)(owner)
    socket = await job_socket(job["id"], owner)
    assert (await socket.connect())[0]
    await sync_to_async(start_worker)()  # only now can anything run: no phase can be missed
    messages = await receive_until_final(socket, timeout=FINAL_WITHIN_S)
    assert_phases_in_order(messages)
    stored = await sync_to_async(
        lambda: assert_graph_stored(GenerationJob.objects.get(pk=job["id"]))
    )()
    assert messages[-1]["graph_id"] == stored.id
    await sync_to_async(assert_tokenize_answers)(owner)


def assert_tokenize_answers(owner) -> None:
    """The tokenize preview runs where the model is loaded: the (now warm) worker."""
    response = api_for(owner).post(
        "/api/models/tiny/tokenize/", {"prompt": "the capital of France is"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["tokens"] == ["<bos>", "the", "capital", "of", "France", "is"]
    assert body["n_tokens"] == 6 and body["max_prompt_tokens"] == 16
    probs = [t["prob"] for t in body["top_next"]]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1.0001


def running_pid(job: GenerationJob) -> int:
    return int(job.worker.rsplit(":", 1)[1])


def test_a_killed_pool_child_loses_nothing(start_worker):
    owner = UserFactory(username="kill-child")
    worker = start_worker()
    job_id = submit(owner)["id"]
    running = wait_for(job_id, lambda j: j.state == "running", 60, "running")
    child = running_pid(running)
    assert child != worker.proc.pid
    os.kill(child, signal.SIGKILL)
    job = wait_final(job_id, FINAL_WITHIN_S)
    assert job.state == "succeeded" or (job.state == "failed" and job.error), job.state
    assert job.attempts == 2  # the lease expired and the reaper requeued it once
    if job.state == "succeeded":
        assert_graph_stored(job)


def test_a_killed_worker_main_process_loses_nothing(start_worker):
    owner = UserFactory(username="kill-main")
    first = start_worker()
    job_id = submit(owner)["id"]
    wait_for(job_id, lambda j: j.state == "running", 60, "running")
    first.kill_all()  # main process and pool child: nobody acknowledges or reports anything
    assert GenerationJob.objects.get(pk=job_id).state == "running"
    start_worker()  # another machine's worker: its reaper finds the expired lease
    job = wait_final(job_id, FINAL_WITHIN_S)
    assert job.attempts == 2
    assert job.state == "succeeded" or (job.state == "failed" and job.error), job.state


def test_cancelling_a_running_job_stops_it_and_the_worker_goes_on(start_worker):
    owner = UserFactory(username="cancel-running")
    start_worker()
    client = api_for(owner)
    job_id = submit(owner)["id"]
    wait_for(job_id, lambda j: j.state == "running", 60, "running")
    assert client.delete(f"/api/generations/{job_id}/").json()["state"] == "cancelled"
    second = submit(owner, prompt="the capital of Texas is")["id"]
    assert wait_final(second, FINAL_WITHIN_S).state == "succeeded"
    cancelled = GenerationJob.objects.get(pk=job_id)
    assert cancelled.state == "cancelled" and cancelled.graph is None


def test_tokenize_without_a_worker_answers_503_with_a_reason(celery_mode, owner, settings):
    settings.GENERATION_TOKENIZE_TIMEOUT_S = 1
    response = api_for(owner).post(
        "/api/models/tiny/tokenize/", {"prompt": "the cat"}, format="json"
    )
    assert response.status_code == 503
    assert "no worker" in response.json()["detail"]
