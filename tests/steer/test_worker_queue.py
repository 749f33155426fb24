"""Steering through a real Celery worker on the model's queue (Redis db 10, this stream's): the
web tier's answer is the engine's, computed in the worker process."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import redis
from rest_framework.test import APIClient

from graphs.generation import registry
from tests.factories import UserFactory
from tests.support.steering import DALLAS, REDIS_URL, TEXAS

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def worker_queue(settings, tmp_path):
    from tests.support.workers import Worker, worker_env

    registry._load.cache_clear()
    queue = f"cpu.steer-test-{uuid.uuid4().hex[:8]}"
    models = tmp_path / "models.json"
    models.write_text(
        json.dumps(
            [
                {
                    "id": "demo-q",
                    "display_name": "Demo on a queue",
                    "queue": queue,
                    "model": "demo",
                    "transcoders": "demo",
                    "max_prompt_tokens": 32,
                }
            ]
        )
    )
    settings.GENERATION_MODELS_FILE = str(models)
    settings.GENERATION_EMBEDDED = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = REDIS_URL
    settings.STEER_TIMEOUT_S = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = worker_env(models, Path(settings.MEDIA_ROOT), REDIS_URL=REDIS_URL)
    worker = Worker(queue, env, tmp_path / "worker.log")
    try:
        worker.wait_ready()
        yield queue
    finally:
        worker.stop()
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(queue, *client.scan_iter(match=f"_kombu.binding*.{queue}"))
        client.close()
        registry._load.cache_clear()


def test_steering_runs_on_the_models_worker(db, worker_queue):
    from inference_worker.engine import intervene
    from inference_worker.engine.trace import load_replacement_model

    client = APIClient()
    client.force_authenticate(UserFactory(username="queued"))
    body = {"prompt": DALLAS, "interventions": [TEXAS], "max_new_tokens": 2}
    response = client.post("/api/models/demo-q/steer/", body, format="json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["model"] == "demo-q"
    expected = intervene(load_replacement_model("demo", "demo"), DALLAS, [TEXAS], max_new_tokens=2)
    assert answer["last_position"] == expected["last_position"]
    assert answer["steered"] == expected["steered"]
    bad = client.post(
        "/api/models/demo-q/steer/",
        {**body, "interventions": [{**TEXAS, "layer": 9}]},
        format="json",
    )
    assert (
        bad.status_code == 400 and "interventions" in bad.json()
    )  # the worker's engine refused it
