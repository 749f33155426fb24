"""One rig per fault test module: a private redis-server, TCP proxies in front of it and of the
test database, and one warm Celery worker that reaches both through the proxies. Starting a worker
and loading the model in it costs far more than any fault test, so the tests of a module share it
(a module, not the package: its reaper acts on every job of the test database, and must be gone
when other tests run). Each test's faults go through the proxies (or restart the private Redis)
and are undone after."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.redis_server import PrivateRedis, private_redis
from tests.faults.tcp_proxy import TcpProxy
from tests.support.generation import tiny_entry, write_models_file
from tests.support.workers import Worker, test_database_url, worker_env
from webapp.redis_options import channel_layer_host


@dataclass
class FaultRig:
    redis: PrivateRedis
    redis_proxy: TcpProxy
    pg_proxy: TcpProxy
    models_file: Path
    queue: str
    media: Path
    worker: Worker

    @property
    def redis_url(self) -> str:
        """The private Redis as the worker reaches it: through the proxy."""
        return f"redis://127.0.0.1:{self.redis_proxy.port}/0"

    def clean_media(self) -> None:
        """Bodies of earlier tests have lost their rows (the database is flushed between tests)."""
        shutil.rmtree(self.media, ignore_errors=True)
        self.media.mkdir(parents=True)


def pg_target() -> tuple[str, int]:
    from urllib.parse import urlsplit

    url = urlsplit(test_database_url())
    return url.hostname or "127.0.0.1", url.port or 5432


def through(url: str, proxy: TcpProxy) -> str:
    """`url` with its host and port replaced by the proxy's."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{proxy.port}"))


@pytest.fixture(scope="module")
def rig(tiny_assets, tmp_path_factory, django_db_setup, django_db_blocker) -> Iterator[FaultRig]:
    root = tmp_path_factory.mktemp("rig")
    queue = f"cpu.faults-{uuid.uuid4().hex[:8]}"
    models_file = write_models_file(root / "models.json", [tiny_entry(tiny_assets, queue)])
    media = root / "media"
    media.mkdir()
    with django_db_blocker.unblock():
        database_url = test_database_url()
    with (
        private_redis(root) as redis_server,
        TcpProxy("127.0.0.1", redis_server.port) as redis_proxy,
        TcpProxy(*pg_target()) as pg_proxy,
    ):
        env = worker_env(
            models_file,
            media,
            DATABASE_URL=through(database_url, pg_proxy),
            REDIS_URL=f"redis://127.0.0.1:{redis_proxy.port}/0",
            # A lease far longer than the faults (a few seconds), so only a dead worker loses one;
            # a lost message is sent again after 2 s.
            GENERATION_LEASE_S="20",
            GENERATION_QUEUED_RESEND_S="2",
        )
        worker = Worker(queue, env, root / "worker.log")
        try:
            worker.wait_ready()
            yield FaultRig(redis_server, redis_proxy, pg_proxy, models_file, queue, media, worker)
        finally:
            worker.stop()


@pytest.fixture
def rigged(rig, settings, transactional_db) -> Iterator[FaultRig]:
    """This process acts as the web tier of the rig (Redis through the proxy, no embedded
    worker); every fault is undone after the test, whatever happened."""
    settings.GENERATION_EMBEDDED = False
    settings.GENERATION_MODELS_FILE = str(rig.models_file)
    settings.MEDIA_ROOT = str(rig.media)
    use_redis(settings, rig.redis_url)
    rig.clean_media()
    if rig.worker.proc.poll() is not None:
        pytest.fail(f"the rig's worker died:\n{rig.worker.log_path.read_text()[-3000:]}")
    try:
        yield rig
    finally:
        rig.pg_proxy.restore()
        rig.redis_proxy.restore()


def use_redis(settings, url: str) -> None:
    """This process (the web tier) uses the Redis at `url` as broker and channel layer."""
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [channel_layer_host(url)]},  # as webapp/settings.py has it
        }
    }
