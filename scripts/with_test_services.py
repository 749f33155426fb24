"""Run a command (make test's two pytest runs) with a PostgreSQL and a Redis to test against.

Each service is decided on its own:
1. its variable is set (DATABASE_URL, REDIS_URL): that server is used, and if it does not answer
   the run stops at once with one line naming the URL;
2. unset, and the default (make's PG_TEST_URL, REDIS_TEST_URL) answers: the default is used;
3. unset, and nothing usable answers there: a throwaway server is started for the run
   (scripts/throwaway_servers.py) and stopped afterwards, also when the command fails or is
   interrupted.

The command gets DATABASE_URL and TEST_REDIS_URL, a base URL on which each test area picks its
own db number (tests/services.py). REDIS_URL itself is taken out: the suite runs on the embedded
defaults (in-memory channel layer, local-memory cache) except where a test switches to Redis.

    python -m scripts.with_test_services [--default-database URL] [--default-redis URL] -- CMD...
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import urlsplit

from scripts.throwaway_servers import (
    Server,
    ServerError,
    postgres_problem,
    redact,
    redis_problem,
    throwaway_postgres,
    throwaway_redis,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/circuitscope"
DEFAULT_REDIS = "redis://127.0.0.1:6379"
# After Ctrl-C the command got the signal too: give pytest this long to tear down and report.
INTERRUPT_GRACE_S = 30


class ConfiguredServerDown(Exception):
    """A server the user named in the environment does not answer: one line says which."""


@dataclass(frozen=True)
class Service:
    variable: str  # where the user names their own server
    check: str  # what to check when that server does not answer
    problem: Callable[[str], str | None]  # None when the URL answers, else why not
    throwaway: Callable[[], AbstractContextManager[Server]]


POSTGRES = Service(
    variable="DATABASE_URL",
    check="PostgreSQL runs there and accepts this user",
    problem=postgres_problem,
    throwaway=throwaway_postgres,
)
REDIS = Service(
    variable="REDIS_URL",
    check="Redis runs there and the URL's password is right",
    problem=redis_problem,
    throwaway=throwaway_redis,
)


def choose(service: Service, default: str, stack: contextlib.ExitStack) -> str:
    """The URL to test against; a throwaway server started on `stack` when needed."""
    configured = os.environ.get(service.variable)
    if configured:
        if urlsplit(configured).scheme == "sqlite":  # a file: no server to reach
            return configured
        problem = service.problem(configured)
        if problem:
            raise ConfiguredServerDown(
                f"{service.variable}={redact(configured)} does not answer ({problem}); check "
                f"that {service.check}, or unset {service.variable} to let make test start its own"
            )
        return configured
    problem = service.problem(default)
    if problem is None:
        return default
    server = stack.enter_context(service.throwaway())
    print(
        f"test services: nothing usable at {redact(default)} ({problem}); "
        f"started a throwaway {server}",
        file=sys.stderr,
        flush=True,
    )
    return server.url


def exit_status(returncode: int) -> int:
    """A shell's exit status: 128 + N for a command killed by signal N (130 for Ctrl-C)."""
    return 128 - returncode if returncode < 0 else returncode


def run(command: list[str], env: dict[str, str]) -> int:
    proc: subprocess.Popen | None = None
    try:
        proc = subprocess.Popen(command, env=env)

        def forward(signum: int, _frame: object) -> None:
            assert proc is not None
            proc.send_signal(signum)
            raise KeyboardInterrupt

        # SIGTERM (a CI timeout, `kill`) only reaches us: pass it on, then clean up as for Ctrl-C.
        signal.signal(signal.SIGTERM, forward)
        return exit_status(proc.wait())
    except KeyboardInterrupt:
        if proc is None:
            return 130
        # Ctrl-C reached the command as well (same process group): let it finish its teardown.
        # An interrupted run never reports success, whatever the command answered.
        try:
            return exit_status(proc.wait(timeout=INTERRUPT_GRACE_S)) or 130
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            return 130
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default-database", default=DEFAULT_DATABASE)
    parser.add_argument("--default-redis", default=DEFAULT_REDIS)
    parser.add_argument("command", nargs="+")
    args = parser.parse_args(argv)
    try:
        # The servers stop, and their directories go, when this block ends, however it ends.
        with contextlib.ExitStack() as stack:
            database = choose(POSTGRES, args.default_database, stack)
            redis_url = choose(REDIS, args.default_redis, stack)
            # Runs first on the way out: a second Ctrl-C must not cut the servers' shutdown short.
            stack.callback(signal.signal, signal.SIGINT, signal.SIG_IGN)
            env = {**os.environ, "DATABASE_URL": database, "TEST_REDIS_URL": redis_url}
            env.pop("REDIS_URL", None)
            return run(args.command, env)
    except (ConfiguredServerDown, ServerError, OSError) as exc:
        print(f"make test: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
