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
from urllib.parse import urlsplit

from scripts.throwaway_servers import (
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


def say(line: str) -> None:
    print(f"test services: {line}", file=sys.stderr, flush=True)


def choose_database(stack: contextlib.ExitStack, default: str) -> str:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        if urlsplit(configured).scheme == "sqlite":
            return configured
        problem = postgres_problem(configured)
        if problem:
            raise ConfiguredServerDown(
                f"DATABASE_URL={redact(configured)} does not answer ({problem}); check that "
                "PostgreSQL runs there and accepts this user, or unset DATABASE_URL to let "
                "make test start its own"
            )
        return configured
    problem = postgres_problem(default)
    if problem is None:
        return default
    server = stack.enter_context(throwaway_postgres())
    say(f"nothing usable at {redact(default)} ({problem}); started a throwaway {server}")
    return server.url


def choose_redis(stack: contextlib.ExitStack, default: str) -> str:
    configured = os.environ.get("REDIS_URL")
    if configured:
        problem = redis_problem(configured)
        if problem:
            raise ConfiguredServerDown(
                f"REDIS_URL={redact(configured)} does not answer ({problem}); check that Redis "
                "runs there and the URL's password is right, or unset REDIS_URL to let make "
                "test start its own"
            )
        return configured
    problem = redis_problem(default)
    if problem is None:
        return default
    server = stack.enter_context(throwaway_redis())
    say(f"nothing usable at {redact(default)} ({problem}); started a throwaway {server}")
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
            database = choose_database(stack, args.default_database)
            redis_url = choose_redis(stack, args.default_redis)
            # Runs first on the way out: a second Ctrl-C must not cut the servers' shutdown short.
            stack.callback(signal.signal, signal.SIGINT, signal.SIG_IGN)
            env = {**os.environ, "DATABASE_URL": database, "TEST_REDIS_URL": redis_url}
            env.pop("REDIS_URL", None)
            return run(args.command, env)
    except (ConfiguredServerDown, ServerError) as exc:
        print(f"make test: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
