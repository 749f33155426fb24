"""The production-style stack the load benchmark runs against, set up and torn down by itself:
a fresh PostgreSQL database, its own Redis db, a temporary var/ directory, the seed data
(benchmarks/load_seed.py), uvicorn with several workers on `webapp.asgi:application` under
production settings, and one Celery worker on the demo model's queue.

Everything listens on 127.0.0.1; every process started here is stopped in `close()`, which the
benchmark calls in a `finally`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# Environment variables passed through to the children; everything else they get is set here,
# so nothing of the caller's shell (a DATABASE_URL, DEBUG=true) leaks into the server.
PASSED_THROUGH = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "VIRTUAL_ENV",
    "HF_HOME",
    "CIRCUITSCOPE_SHARED_DIR",
)
DEMO_QUEUE = "cpu.demo"


@dataclass
class StackOptions:
    pg_url: str  # server part, e.g. postgres://postgres@127.0.0.1:5432
    database: str  # dropped and recreated
    redis_url: str  # its db is flushed at start and end
    web_workers: int
    accounts: int
    filler_graphs: int
    subgraphs: int
    # Quotas for the benchmark accounts (env of server and worker); see load.py's docstring.
    jobs_per_hour: int
    max_queued: int
    # DATABASE_POOL_MAX_SIZE of each uvicorn worker (0: persistent connections, no pool).
    db_pool: int = 8
    # Per-account subgraph limits (RATELIMIT_SUBGRAPHS_PER_HOUR, ..._SAVES_PER_HOUR): ten users
    # share an account at 200 users and save about one view a second between them, past the
    # production limits of 30 new and 300 saves an hour within two minutes, which would measure
    # 429s rather than saves.
    subgraphs_per_hour: int = 100_000
    subgraph_saves_per_hour: int = 100_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    options: StackOptions
    var_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cs-load-")))
    base_url: str = ""
    seed: dict[str, Any] = field(default_factory=dict)
    server: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def database_url(self) -> str:
        return f"{self.options.pg_url.rstrip('/')}/{self.options.database}"

    def env(self) -> dict[str, str]:
        env = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
        env.update(
            {
                "DEBUG": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.options.redis_url,
                "CIRCUITSCOPE_VAR_DIR": str(self.var_dir),
                "MEDIA_ROOT": str(self.var_dir / "media"),
                "GENERATION_JOBS_PER_HOUR": str(self.options.jobs_per_hour),
                "GENERATION_MAX_QUEUED": str(self.options.max_queued),
                "RATELIMIT_SUBGRAPHS_PER_HOUR": str(self.options.subgraphs_per_hour),
                "RATELIMIT_SUBGRAPH_SAVES_PER_HOUR": str(self.options.subgraph_saves_per_hour),
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
                "DJANGO_SETTINGS_MODULE": "webapp.settings",
            }
        )
        return env

    # --- set-up ---------------------------------------------------------------------------
    def start(self) -> None:
        self.prepare()
        self._start_worker()
        self._start_server()

    def prepare(self) -> None:
        """The fresh database, the empty Redis db and the seed data, without any process."""
        self._psql(f'DROP DATABASE IF EXISTS "{self.options.database}" WITH (FORCE)')
        self._psql(f'CREATE DATABASE "{self.options.database}"')
        self._flush_redis()
        self.seed = self._run_seed()

    def server_env(self) -> dict[str, str]:
        return {**self.env(), "DATABASE_POOL_MAX_SIZE": str(self.options.db_pool)}

    def _psql(self, sql: str) -> None:
        subprocess.run(
            [
                "psql",
                f"{self.options.pg_url.rstrip('/')}/postgres",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def _flush_redis(self) -> None:
        subprocess.run(
            ["redis-cli", "-u", self.options.redis_url, "FLUSHDB"],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def _run_seed(self) -> dict[str, Any]:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.load_seed",
                "--accounts",
                str(self.options.accounts),
                "--filler-graphs",
                str(self.options.filler_graphs),
                "--subgraphs",
                str(self.options.subgraphs),
            ],
            cwd=REPO_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"seeding failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _start_server(self) -> None:
        port = free_port()
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "webapp.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(self.options.web_workers),
                "--no-access-log",
            ],
            cwd=REPO_ROOT,
            env=self.server_env(),
            start_new_session=True,
            stdout=open(self.var_dir / "server.log", "ab"),  # noqa: SIM115 - lives with the process
            stderr=subprocess.STDOUT,
        )
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{self.log_tail('server.log')}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.base_url + "/healthz/", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(
            f"uvicorn did not answer /healthz/ in 60 s:\n{self.log_tail('server.log')}"
        )

    def _start_worker(self) -> None:
        log_path = self.var_dir / "worker.log"
        # In production the generation workers have machines (GPUs) of their own; here the
        # worker shares the 2 cores with the web tier, so it runs niced on one torch thread, to
        # measure the web tier rather than its fight with a CPU-bound forward pass.
        self.worker = subprocess.Popen(
            [
                "nice",
                "-n",
                "10",
                sys.executable,
                "-m",
                "celery",
                "-A",
                "webapp",
                "worker",
                "-Q",
                DEMO_QUEUE,
                "-c",
                "1",
                "--pool",
                "prefork",
                "-n",
                f"load-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=REPO_ROOT,
            env={**self.env(), "OMP_NUM_THREADS": "1"},
            start_new_session=True,
            stdout=open(log_path, "ab"),  # noqa: SIM115 - lives with the process
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if b" ready." in log_path.read_bytes():
                return
            if self.worker.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log_tail('worker.log')}")
            time.sleep(0.3)
        raise RuntimeError(f"celery worker not ready in 120 s:\n{self.log_tail('worker.log')}")

    # --- observation ----------------------------------------------------------------------
    def pids(self) -> dict[str, list[int]]:
        """Process ids by role (the uvicorn supervisor and its workers; celery and its pool)."""
        import psutil

        out: dict[str, list[int]] = {"server": [], "worker": []}
        for role, proc in (("server", self.server), ("worker", self.worker)):
            if proc is None or proc.poll() is not None:
                continue
            with contextlib.suppress(psutil.NoSuchProcess):
                parent = psutil.Process(proc.pid)
                out[role] = [parent.pid] + [c.pid for c in parent.children(recursive=True)]
        return out

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.var_dir / name
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def jobs_summary(self) -> dict[str, int]:
        """Generation jobs by state, read from the benchmark database."""
        done = subprocess.run(
            [
                "psql",
                self.database_url,
                "-At",
                "-F",
                "\t",
                "-c",
                "SELECT state, count(*) FROM graphs_generationjob GROUP BY state",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        rows = [line.split("\t") for line in done.stdout.splitlines() if "\t" in line]
        return {state: int(count) for state, count in rows}

    # --- tear-down ------------------------------------------------------------------------
    def close(self) -> None:
        for proc in (self.server, self.worker):
            if proc is None or proc.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        with contextlib.suppress(Exception):
            self._psql(f'DROP DATABASE IF EXISTS "{self.options.database}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            self._flush_redis()
        shutil.rmtree(self.var_dir, ignore_errors=True)
