"""The web tier as a real process: uvicorn serving `webapp.asgi:application` under production
settings, with the environment a test gives it (e.g. DATABASE_URL through a proxy)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from tests.support.net import free_port
from tests.support.settings_env import READ_BY_SETTINGS, REPO_ROOT, production_env


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@contextlib.contextmanager
def web_server(env: dict[str, str], log_path: Path, timeout: float = 30) -> Iterator[str]:
    """Start uvicorn with production settings plus `env`; yields its base URL; always killed."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    child_env.pop("DJANGO_SETTINGS_MODULE", None)
    child_env.update(
        {
            **production_env(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_MANIFEST": "false",
            **env,
        }
    )
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "webapp.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=REPO_ROOT,
            env=child_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                if fetch(base + "/healthz/", timeout=2).status == 200:
                    break
            if process.poll() is not None:
                raise AssertionError(f"uvicorn exited:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"uvicorn not ready in {timeout} s:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
