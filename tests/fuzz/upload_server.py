"""The production ASGI application (webapp.asgi:application, with its request-body limit) served by
uvicorn in a child process on loopback, over the test database, for the transport-level fuzzing.

The child shares the PostgreSQL test database (data the tests commit is visible to it), so this
needs PostgreSQL; on SQLite the tests that use it skip with a reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzz.harness import FUZZ_UPLOAD_MAX_BYTES
from tests.support.net import free_port
from tests.support.settings_env import READ_BY_SETTINGS, REPO_ROOT


@dataclass
class UploadServer:
    port: int
    process: subprocess.Popen
    media_root: Path
    log: Path
    database_url: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        """The process is up and still answers a plain request."""
        if self.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(self.base + "/healthz/", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="module")
def upload_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[UploadServer]:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the server process shares the test database, which needs PostgreSQL")
    root = tmp_path_factory.mktemp("upload-server")
    media = root / "media"
    log = root / "server.log"
    database_url = _database_url(connection.settings_dict)
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DATABASE_URL=database_url,
        # No connection kept between requests: the tests truncate tables between examples.
        DATABASE_CONN_MAX_AGE="0",
        MEDIA_ROOT=str(media),
        CIRCUITSCOPE_VAR_DIR=str(root / "var"),
        GRAPH_UPLOAD_MAX_BYTES=str(FUZZ_UPLOAD_MAX_BYTES),
        # One token sends every upload: the per-user upload limit (60 an hour) would answer 429.
        RATELIMIT_UPLOADS_PER_HOUR="0",
    )
    port = free_port()
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "webapp.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--timeout-keep-alive", "2"],
            cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = UploadServer(port, process, media, log, database_url)
    try:
        deadline = time.monotonic() + 30
        while not server.alive():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start:\n{server.log_text()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
