"""Generation fixtures, shared by the generation, fault, security and browser tests (registered in
tests/conftest.py): a test registry, the two dispatch modes (a broker no worker listens on; Celery
on Redis db 7 with real workers) and the tiny model they run."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from graphs.generation import registry
from tests.support.generation import (
    forget_queue,
    tiny_entry,
    write_models_file,
    write_word_tokenizer,
)


@pytest.fixture
def fresh_registry():
    """The registry is loaded once per process; each test reads its own models file."""
    registry._load.cache_clear()
    yield
    registry._load.cache_clear()


@pytest.fixture
def words_entry(settings, tmp_path) -> str:
    """A registry entry `words` (no engine behind it) whose tokenizer counts one token per word,
    with a limit of 8 prompt tokens."""
    tok_dir = write_word_tokenizer(tmp_path / "tok")
    models = write_models_file(
        tmp_path / "models.json",
        [
            {
                "id": "words",
                "display_name": "Words",
                "queue": "cpu.words",
                "model": str(tok_dir),
                "transcoders": str(tok_dir),
                "tokenizer": str(tok_dir),
                "max_prompt_tokens": 8,
                "settings": {"max_feature_nodes": {"default": 50, "min": 10, "max": 100}},
            }
        ],
    )
    settings.GENERATION_MODELS_FILE = str(models)
    return "words"


@pytest.fixture
def no_worker(settings, monkeypatch):
    """Celery mode on kombu's in-memory broker: a worker has announced it serves every queue,
    but none takes from this broker, so jobs are enqueued and stay queued."""
    from graphs.generation import availability, registry

    settings.GENERATION_EMBEDDED = False
    settings.CELERY_BROKER_URL = "memory://"

    def announced() -> tuple[list[availability.WorkerPresence], bool]:
        entries = registry.all_entries()
        queues = tuple(sorted({entry.queue for entry in entries}))
        return [availability.WorkerPresence("idle", queues, {e.id: None for e in entries})], True

    monkeypatch.setattr(availability, "_presence", announced)


@pytest.fixture(scope="session")
def tiny_assets(tmp_path_factory) -> dict[str, str]:
    """A tiny random Gemma-2-like model and a per-layer transcoder set, built by the engine's
    own testing helpers."""
    from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

    root = tmp_path_factory.mktemp("tiny")
    model_dir = build_tiny_model_dir(root / "model", arch="gemma2", seed=0)
    transcoders = build_tiny_transcoders(root / "transcoders", model_dir, kind="plt", seed=0)
    return {"model": str(model_dir), "transcoders": str(transcoders)}


@pytest.fixture
def tiny_models_file(tiny_assets, tmp_path, settings) -> tuple[Path, str]:
    """The test registry with `tiny` on a queue of its own (no stale messages from other runs)."""
    queue = f"cpu.test-{uuid.uuid4().hex[:8]}"
    path = write_models_file(tmp_path / "tiny-models.json", [tiny_entry(tiny_assets, queue)])
    settings.GENERATION_MODELS_FILE = str(path)
    return path, queue


@pytest.fixture
def celery_mode(settings, tiny_models_file):
    """This process acts as the web tier of a production deployment: Redis db 7 as broker and
    channel layer, no embedded worker. Returns (models_file, queue)."""
    from tests.support.workers import REDIS_URL
    from webapp.redis_options import channel_layer_host

    settings.GENERATION_EMBEDDED = False
    settings.REDIS_URL = REDIS_URL
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(REDIS_URL)]},
        }
    }
    return tiny_models_file


@pytest.fixture
def start_worker(celery_mode, tmp_path):
    """Start real Celery workers on the tiny model's queue; all are killed at the end."""
    from django.core.files.storage import storages

    from tests.support.workers import Worker, worker_env

    models_file, queue = celery_mode
    started: list[Worker] = []
    media = Path(storages["default"].location)

    def start(concurrency: int = 1, **overrides: str) -> Worker:
        env = worker_env(models_file, media, **overrides)
        worker = Worker(queue, env, tmp_path / f"worker-{len(started)}.log", concurrency)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()
    forget_queue(queue)
