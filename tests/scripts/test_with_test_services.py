"""`make test` on a machine with nothing on the default PostgreSQL and Redis ports: the harness
(scripts/with_test_services.py) starts throwaway servers, the data-layer and websocket tests pass
against them, and afterwards nothing of them is left: no process, no open port, no directory. A
server the user configured that does not answer stops the run with one line."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.slow

# The harness's own choices, and make's (an outer `make test` passes its variables down).
UNSET = {"DATABASE_URL", "REDIS_URL", "TEST_REDIS_URL", "GENERATION_TEST_REDIS_URL"}
UNSET |= {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
# Every data-layer test (by marker, wherever it lives) and the websocket tests, one of them on the
# Redis channel layer; the SQLite run keeps the data-layer ones.
INNER_PYTEST_ARGS = '-q -p no:cacheprovider -k "datalayer or test_consumer or test_websocket_redis"'
# Run after the tests, against the harness's Redis: which commands reached it.
REDIS_COMMANDS = (
    "import os, redis; "
    "print('redis commands:', *redis.Redis.from_url(os.environ['TEST_REDIS_URL']).info('commandstats'))"
)
STARTED = re.compile(r"started a throwaway (\w+).* at (\S+) \(pid (\d+), in (\S+)\)")


def harness(tmp_path: Path, command: list[str], **env: str) -> subprocess.Popen:
    """The harness as `make test` runs it, with both default ports closed."""
    environ = {k: v for k, v in os.environ.items() if k not in UNSET}
    closed = [
        f"--default-database=postgres://postgres@127.0.0.1:{free_port()}/circuitscope",
        f"--default-redis=redis://127.0.0.1:{free_port()}",
    ]
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.with_test_services", *closed, "--", *command],
        cwd=REPO_ROOT,
        env={**environ, "TMPDIR": str(tmp_path), **env},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # as a terminal's foreground job, for the Ctrl-C test
    )


def started_servers(stderr: str) -> dict[str, tuple[str, int, Path]]:
    found = {m[1]: (m[2], int(m[3]), Path(m[4])) for m in STARTED.finditer(stderr)}
    assert set(found) == {"PostgreSQL", "Redis"}, stderr
    return found


def assert_gone(servers: dict[str, tuple[str, int, Path]], tmp_path: Path) -> None:
    for url, pid, directory in servers.values():
        assert not Path(f"/proc/{pid}").exists(), f"{url}: pid {pid} still runs"
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"{url} still answers"
        assert not directory.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("circuitscope-test-")]


def test_it_runs_the_tests_against_throwaway_servers_and_leaves_nothing(tmp_path):
    script = 'make -s test-postgres test-sqlite PYTEST_ARGS="$INNER_PYTEST_ARGS" && "$0" -c "$1"'
    proc = harness(
        tmp_path,
        ["sh", "-c", script, sys.executable, REDIS_COMMANDS],
        INNER_PYTEST_ARGS=INNER_PYTEST_ARGS,
    )
    stdout, stderr = proc.communicate(timeout=540)
    assert proc.returncode == 0, stdout[-3000:] + stderr[-3000:]  # so none failed
    passed = [int(n) for n in re.findall(r"^(\d+) passed", stdout, re.MULTILINE)]
    assert len(passed) == 2 and passed[0] > passed[1] > 0, stdout[-3000:]  # PostgreSQL, SQLite
    # The websockets joined their groups (ZADD) on the throwaway Redis, not on the machine's.
    assert "cmdstat_zadd" in stdout.split("redis commands:")[1], stdout[-2000:]
    assert_gone(started_servers(stderr), tmp_path)


def test_it_stops_the_servers_on_ctrl_c(tmp_path):
    # Python's own Ctrl-C handling is in place before it prints: the interrupt cannot slip by.
    sleeper = "import time; print('running', flush=True); time.sleep(60)"
    proc = harness(tmp_path, [sys.executable, "-c", sleeper])
    assert proc.stdout is not None and proc.stdout.readline() == "running\n"
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert_gone(started_servers(stderr), tmp_path)


@pytest.mark.parametrize(
    ("variable", "url", "other"),
    [
        ("DATABASE_URL", "postgres://postgres:secret@127.0.0.1:{port}/cs", {}),
        ("REDIS_URL", "redis://127.0.0.1:{port}/0", {"DATABASE_URL": "sqlite:///:memory:"}),
    ],
)
def test_a_configured_server_that_does_not_answer_stops_the_run_with_one_line(
    tmp_path, variable, url, other
):
    url = url.format(port=free_port())
    shown = url.replace("secret", "***")
    proc = harness(tmp_path, ["sh", "-c", "echo ran"], **{variable: url}, **other)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and stdout == ""
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith(f"make test: {variable}={shown} does not answer")
    assert "Connection refused" in stderr and f"unset {variable}" in stderr
