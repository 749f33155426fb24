"""Only models that can run are offered: /api/models/ says which and why not; submitting,
previewing tokens or steering on another answers 503 at once with the reason; a job left queued
for a model nobody can run fails with the reason after GENERATION_UNSERVED_FAIL_S."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.utils import timezone
from rest_framework.test import APIClient

from graphs.generation import availability
from graphs.generation.models import GenerationJob
from graphs.generation.registry import get_entry
from graphs.generation.services.jobs import fail_unserved
from tests.factories import UserFactory
from tests.support.hf_cache import write_fake_hf_cache
from tests.support.workers import REDIS_URL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_checks(monkeypatch, tmp_path):
    """No weights check is reused across tests, and the Hugging Face cache is an empty folder."""
    import huggingface_hub.constants

    monkeypatch.setattr(availability, "_embedded_checks", {})
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


def models() -> dict[str, dict]:
    response = APIClient().get("/api/models/")
    assert response.status_code == 200
    return {entry["id"]: entry for entry in response.json()["results"]}


def test_embedded_the_demo_runs_and_hub_models_say_their_weights_are_missing():
    offered = models()
    assert offered["demo"]["available"] is True and offered["demo"]["reason"] == ""
    gemma = offered["gemma-2-2b"]
    assert gemma["available"] is False
    assert "google/gemma-2-2b" in gemma["reason"] and "Hugging Face cache" in gemma["reason"]


def test_hub_weights_in_the_cache_make_a_model_available(tmp_path, settings, words_entry):
    """A hub ref counts as present once the cache holds a snapshot of it."""
    import huggingface_hub.constants

    tok_dir = tmp_path / "tok"
    settings.GENERATION_MODELS_FILE = str(tmp_path / "hub-models.json")
    (tmp_path / "hub-models.json").write_text(
        '[{"id": "hub", "display_name": "Hub", "queue": "cpu.hub", "model": "someone/model",'
        f' "transcoders": "{tok_dir}", "tokenizer": "{tok_dir}"}}]'
    )
    assert models()["hub"]["available"] is False
    availability._embedded_checks.clear()
    write_fake_hf_cache(huggingface_hub.constants.HF_HUB_CACHE, "someone/model", tok_dir)
    assert models()["hub"] == {**models()["hub"], "available": True, "reason": ""}


def test_submitting_to_an_unavailable_model_answers_503_at_once():
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(
        "/api/generations/", {"model": "gemma-2-2b", "prompt": "Hello"}, format="json"
    )
    assert response.status_code == 503
    assert "gemma-2-2b cannot run now" in response.json()["detail"]
    assert not GenerationJob.objects.exists()
    for path, body in [("tokenize", {"prompt": "Hello"}), ("steer", {"prompt": "Hello"})]:
        answer = client.post(f"/api/models/gemma-2-2b/{path}/", body, format="json")
        assert answer.status_code == 503, (path, answer.content)
        assert "Hugging Face cache" in answer.json()["detail"]


@pytest.fixture
def celery_web_tier(settings, words_entry):
    """The web tier of a deployment with Redis: availability comes from workers' presence."""
    settings.GENERATION_EMBEDDED = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = REDIS_URL
    client = redis.Redis.from_url(REDIS_URL)
    yield client
    announced = list(client.scan_iter(match=availability.PRESENCE_PREFIX + "test-availability-*"))
    if announced:
        client.delete(*announced)
    client.close()


def announce(client, name: str, queues: list[str], models: dict[str, str | None]) -> None:
    payload = availability.presence_payload(queues, models)
    client.set(availability.PRESENCE_PREFIX + f"test-availability-{name}", payload, ex=30)


def test_with_redis_a_model_is_available_only_where_a_worker_announced_it(celery_web_tier):
    words = models()["words"]
    assert words["available"] is False and "no worker serves its queue cpu.words" in words["reason"]
    announce(celery_web_tier, "a", ["cpu.words"], {"words": "the model weights are not here"})
    assert models()["words"]["reason"] == "the model weights are not here"
    announce(celery_web_tier, "b", ["cpu.words"], {"words": None})
    assert models()["words"]["available"] is True


def queued_job(owner, age: timedelta) -> GenerationJob:
    """A job of the `words` model, queued `age` ago."""
    return GenerationJob.objects.create(
        owner=owner,
        model_id="words",
        prompt="the cat",
        slug="s",
        visibility="private",
        request_key="k",
        created_at=timezone.now() - age,
    )


def test_a_queued_job_nobody_can_run_fails_with_the_reason(celery_web_tier, settings):
    settings.GENERATION_UNSERVED_FAIL_S = 60
    owner = UserFactory()
    old, recent = (queued_job(owner, timedelta(seconds=age)) for age in (120, 10))
    assert fail_unserved() == [old.pk]
    old.refresh_from_db()
    assert old.state == "failed" and "no worker can run model words" in old.error
    assert GenerationJob.objects.get(pk=recent.pk).state == "queued"  # not waited long enough


def test_a_queued_job_of_an_announced_model_stays_queued(celery_web_tier, settings):
    settings.GENERATION_UNSERVED_FAIL_S = 60
    announce(celery_web_tier, "c", ["cpu.words"], {"words": None})
    job = queued_job(UserFactory(), timedelta(hours=1))
    assert fail_unserved() == []
    assert GenerationJob.objects.get(pk=job.pk).state == "queued"


def test_the_owner_sees_the_failure_without_any_worker_running(celery_web_tier, settings):
    """No worker at all means no reaper: reading the job is enough to settle it."""
    settings.GENERATION_UNSERVED_FAIL_S = 60
    owner = UserFactory()
    job = queued_job(owner, timedelta(minutes=5))
    client = APIClient()
    client.force_authenticate(owner)
    body = client.get(f"/api/generations/{job.pk}/").json()
    assert body["state"] == "failed" and "no worker serves its queue" in body["error"]


def test_with_redis_unreachable_nothing_is_refused_or_failed_on_that_ground(
    celery_web_tier, settings
):
    """Whether a worker serves the model cannot be known: the submission is recorded (and its
    job sent once Redis is back, as the outage handling promises), and no queued job fails."""
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nobody listens
    settings.GENERATION_UNSERVED_FAIL_S = 60
    state = availability.availability(get_entry("words"))
    assert (state.available, state.checked) == (False, False) and "Redis" in state.reason
    availability.require_available(get_entry("words"))  # does not raise
    job = queued_job(UserFactory(), timedelta(hours=1))
    assert fail_unserved() == []
    assert GenerationJob.objects.get(pk=job.pk).state == "queued"
