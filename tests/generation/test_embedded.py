"""Embedded mode (no Redis): the same flow through a worker thread in this process and the
in-memory channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from graphs.generation.models import GenerationJob
from graphs.generation.services import dispatch
from tests.factories import UserFactory
from tests.support.flow import (
    api_for,
    assert_graph_stored,
    assert_phases_in_order,
    submit,
    wait_final,
)
from tests.support.websockets import job_socket, receive_until_final

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def embedded(settings, tiny_models_file):
    settings.GENERATION_EMBEDDED = True
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def held_dispatch(monkeypatch):
    """Hold each enqueue until the test releases it, so a socket can subscribe first. The real
    dispatch (to the embedded thread) runs on release."""
    held: list[tuple] = []
    real = dispatch.enqueue_job
    monkeypatch.setattr(dispatch, "enqueue_job", lambda *args: held.append(args))

    def release() -> None:
        for args in held:
            real(*args)

    return release


async def test_the_embedded_worker_generates_with_live_progress(embedded, held_dispatch):
    owner = await sync_to_async(UserFactory)(username="embedded-owner")
    job = await sync_to_async(submit)(owner)
    socket = await job_socket(job["id"], owner)
    assert (await socket.connect())[0]
    await sync_to_async(held_dispatch)()
    messages = await receive_until_final(socket, timeout=120)
    assert_phases_in_order(messages)
    await sync_to_async(lambda: assert_graph_stored(GenerationJob.objects.get(pk=job["id"])))()


def test_embedded_submission_runs_without_any_service(embedded):
    owner = UserFactory(username="embedded-plain")
    job = wait_final(submit(owner)["id"], 120)
    graph = assert_graph_stored(job)
    again = api_for(owner).post(
        "/api/generations/", {"model": "tiny", "prompt": job.prompt}, format="json"
    )
    assert again.status_code == 200 and again.json()["graph_id"] == graph.id  # not recomputed
    assert GenerationJob.objects.filter(owner=owner).count() == 1


def test_a_job_past_its_time_limit_fails_with_the_reason(embedded, settings):
    settings.GENERATION_TIME_LIMIT_S = 0
    job = wait_final(submit(UserFactory(username="slowpoke"))["id"], 120)
    assert job.state == "failed" and "time limit" in job.error


def test_embedded_tokenize(embedded):
    response = api_for(UserFactory(username="tok")).post(
        "/api/models/tiny/tokenize/", {"prompt": "the cat"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["tokens"] == ["<bos>", "the", "cat"]


def test_an_engine_error_fails_the_job_with_its_message(embedded, settings, tmp_path):
    from tests.support.generation import tiny_entry, write_models_file

    broken = {"model": str(tmp_path / "missing-model"), "transcoders": str(tmp_path / "none")}
    path = write_models_file(
        tmp_path / "broken.json", [tiny_entry(broken, "cpu.broken", tokenizer=None)]
    )
    settings.GENERATION_MODELS_FILE = str(path)
    job = wait_final(submit(UserFactory(username="broken"))["id"], 60)
    assert job.state == "failed" and "missing-model" in job.error
