"""CPU per request through Django's sync handler and through its ASGI handler (the one uvicorn
serves in production), for endpoints of the load mix: one process, requests in a row, nothing
else in flight. It shows how much of a request's cost is the handler's own.

    python benchmarks/load_handler_cost.py --requests 300
    python benchmarks/load_handler_cost.py --profile /api/graphs/{id}/   # where a request's CPU goes

Sets up a fresh database with the load benchmark's seed (benchmarks/load_stack.py, no server
and no worker), measures in a child process with the server's production environment, prints a
table, drops the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.asgi_scope import get_scope

PATHS = (
    "/healthz/",
    "/api/graphs/{id}/",
    "/api/graphs/?page_size=25",
    "/api/graphs/{id}/subgraphs/",
    "/graphs/public/",
)
WARMUP = 20


def _asgi_get(
    application, path: str, headers: list[tuple[bytes, bytes]]
) -> tuple[Callable[[], Awaitable[None]], list[dict[str, Any]]]:
    """One GET through the ASGI application: the coroutine function that runs it, and the list
    its messages go to."""
    scope = get_scope(path, headers, ("127.0.0.1", 80))
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the client never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        await application(scope, receive, send)

    return run, sent


def _profile(run_requests: Callable[[], None], top: int = 40) -> None:
    """cProfile of `run_requests`, the top functions by own time and by cumulative time, on
    stderr (stdout carries the figures)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    run_requests()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _measure(
    seed: dict[str, Any], n: int, profile: str | None = None
) -> dict[str, dict[str, float]]:
    import django

    django.setup()
    from django.test import Client

    from webapp.asgi import application

    token = seed["tokens"][0]
    graph_id = seed["graphs"][0]["id"]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode())]
    out: dict[str, dict[str, float]] = {}

    async def asgi_loop(path: str, count: int) -> None:
        for _ in range(count):
            run, sent = _asgi_get(application, path, headers)
            await run()
            if sent[0]["status"] != 200:
                raise SystemExit(f"{path}: ASGI answered {sent[0]['status']}")

    if profile:
        path = profile.replace("{id}", graph_id)
        # cProfile sees one thread, and the ASGI handler runs the view in another: profile the
        # sync handler (the ASGI handler's own cost is the difference in the table).
        for _ in range(WARMUP):
            client.get(path)
        _profile(lambda: [client.get(path) for _ in range(n)])
        return {}
    for template in PATHS:
        path = template.replace("{id}", graph_id)
        for _ in range(WARMUP):
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path}: sync handler answered non-200")
        started = time.process_time()
        for _ in range(n):
            client.get(path)
        sync_ms = (time.process_time() - started) / n * 1000
        asyncio.run(asgi_loop(path, WARMUP))
        started = time.process_time()
        asyncio.run(asgi_loop(path, n))
        asgi_ms = (time.process_time() - started) / n * 1000
        out[template] = {"sync_cpu_ms": round(sync_ms, 2), "asgi_cpu_ms": round(asgi_ms, 2)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per endpoint and handler")
    parser.add_argument("--database", default="cs_loadbench", help="dropped and recreated")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8", help="its db is flushed")
    parser.add_argument(
        "--profile", metavar="PATH", help="profile this endpoint through the sync handler instead"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # child: the seed file
    args = parser.parse_args()
    if args.measure:
        seed = json.loads(args.measure.read_text())
        print(json.dumps(_measure(seed, args.requests, args.profile)))
        return 0

    from benchmarks.load_stack import REPO_ROOT, Stack, StackOptions

    stack = Stack(
        StackOptions(
            pg_url="postgres://postgres@127.0.0.1:5432",
            database=args.database,
            redis_url=args.redis_url,
            web_workers=1,
            accounts=2,
            filler_graphs=30,
            subgraphs=20,
            jobs_per_hour=20,
            max_queued=2,
        )
    )
    try:
        stack.prepare()
        seed_file = stack.var_dir / "seed.json"
        seed_file.write_text(json.dumps(stack.seed))
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.load_handler_cost",
                "--measure",
                str(seed_file),
                "--requests",
                str(args.requests),
                *(["--profile", args.profile] if args.profile else []),
            ],
            cwd=REPO_ROOT,
            env=stack.server_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            raise SystemExit(f"measuring failed:\n{done.stderr[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        stack.close()
    if args.profile:
        print(done.stderr)
        return 0
    print(
        f"CPU per request, {args.requests} requests in a row (load average {os.getloadavg()[0]:.1f})"
    )
    print(f"{'endpoint':32} {'sync handler':>13} {'ASGI handler':>13}")
    for path, row in figures.items():
        print(f"{path:32} {row['sync_cpu_ms']:>10.2f} ms {row['asgi_cpu_ms']:>10.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
