"""Real Celery worker processes for the queue tests: started with the test database, Redis db 7
and a test registry, and killed for real."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from tests.services import redis_url
from tests.support.paths import REPO_ROOT

REDIS_URL = os.environ.get("GENERATION_TEST_REDIS_URL") or redis_url(7)


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    # The test database pytest-django created (its NAME is already switched to test_...).
    name = connection.settings_dict["NAME"]
    host, port, user = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432, db.get("USER")
    return f"postgres://{user}@{host}:{port}/{name}"


class Worker:
    def __init__(self, queue: str, env: dict[str, str], log_path: Path, concurrency: int = 1):
        self.log_path = log_path
        self.redis_url = env.get("REDIS_URL", REDIS_URL)
        self.log = open(log_path, "ab")  # noqa: SIM115 - kept open for the process' lifetime
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "webapp",
                "worker",
                "-Q",
                queue,
                "-c",
                str(concurrency),
                "--pool",
                "prefork",
                "-n",
                f"test-{queue}-{time.monotonic_ns()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg takes the pool children too
        )

    def announced(self) -> bool:
        """Whether the worker has announced its queues and models (the web tier offers a model
        only then)."""
        from graphs.generation.availability import PRESENCE_PREFIX

        client = redis.Redis.from_url(self.redis_url)
        try:
            return bool(
                client.exists(f"{PRESENCE_PREFIX}celery@{socket.gethostname()}:{self.proc.pid}")
            )
        finally:
            client.close()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in self.log_path.read_bytes() and self.announced():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(
            f"worker not ready in {timeout} s:\n{self.log_path.read_text()[-3000:]}"
        )

    def kill_all(self) -> None:
        """SIGKILL the main process and its pool children at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.kill_all()
        elif not self.log.closed:
            self.log.close()


def worker_env(models_file: Path, media_root: Path, **overrides: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": REDIS_URL,
        "GENERATION_MODELS_FILE": str(models_file),
        "MEDIA_ROOT": str(media_root),
        "GENERATION_LEASE_S": "3",
        "GENERATION_HEARTBEAT_S": "1",
        "GENERATION_REAPER_INTERVAL_S": "1",
        "GENERATION_TIME_LIMIT_S": "120",
        "DEBUG": "true",
    }
    env.update(overrides)
    return env


def announce(queue: str, model_ids: list[str], redis_url: str = REDIS_URL) -> None:
    """Announce a worker on `queue` that can run `model_ids`, as a worker about to start does
    (the announcement lapses after three presence intervals)."""
    from graphs.generation import conf
    from graphs.generation.availability import PRESENCE_PREFIX, presence_payload

    client = redis.Redis.from_url(redis_url)
    try:
        payload = presence_payload([queue], {model_id: None for model_id in model_ids})
        ttl = 3 * int(conf.get("GENERATION_PRESENCE_S"))
        client.set(f"{PRESENCE_PREFIX}test-announced-{queue}", payload, ex=ttl)
    finally:
        client.close()
