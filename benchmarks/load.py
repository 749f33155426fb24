"""Load benchmark of the production-style server. One command:

    python benchmarks/load.py --out var/load.json            # 50, 100, 200 users, 60 s each
    python benchmarks/load.py --quick --out var/load-quick.json   # 15 s per level, smaller seed

What it does, bounded and self-contained (benchmarks/load_stack.py):
1. drops and recreates the PostgreSQL database `--database` (default cs_loadbench), flushes the
   Redis db of `--redis-url`, migrates, collects static files, creates `--accounts` accounts
   with API tokens (`manage.py create_api_token`), stores the three real Neuronpedia graphs of
   ../shared/fixtures/neuronpedia-graphs as public graphs, adds small public filler graphs with
   collaborators, and saves subgraphs (benchmarks/load_seed.py);
2. starts one Celery worker on the demo model's queue (cpu.demo, concurrency 1) and uvicorn with
   `--web-workers` workers (default 2 on this 2-core machine) serving webapp.asgi:application
   under production settings (DEBUG=false, PostgreSQL, Redis channel layer, cache and broker);
3. runs locust as a library, in this one process (gevent), with users who wait `--think-time`
   (default 1-3 s) between requests (closed model: the offered rate is about users / 2 s at the
   default), through the mix of
   benchmarks/load_mix.py, at each level of `--users` for `--duration` seconds after a ramp-up
   and a warm-up that are not counted;
4. prints a table per level (requests/s, failures, p50/p95/p99 per endpoint, CPU shares of the
   load generator, the server and the worker) and writes everything to `--out` as JSON;
5. stops every process it started, drops the database and removes its temporary files.

Quotas: the accounts get GENERATION_JOBS_PER_HOUR=100000 (so the hourly quota never answers) and
keep the default GENERATION_MAX_QUEUED=2; a generation submit refused for that (429 with
Retry-After) is an expected outcome, counted apart and not as an error. Any other non-2xx answer,
a timeout or a short graph body is a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# locust patches the standard library for gevent when imported: first, before anything else.
from locust.env import Environment  # noqa: I001

import gevent
import psutil

from benchmarks import load_mix
from benchmarks.load_report import (
    cpu_seconds,
    endpoint_figures,
    error_figures,
    print_table,
    summary,
)
from benchmarks.load_stack import Stack, StackOptions

PG_SAMPLE_S = 2.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Load benchmark of the production-style server.")
    parser.add_argument("--out", required=True, type=Path, help="where to write the JSON figures")
    parser.add_argument("--users", default="50,100,200", help="comma-separated user counts")
    parser.add_argument("--duration", type=float, help="measured seconds per level (60; quick 15)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds per level (10; quick 5)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="15 s per level, 5 s warm-up, 30 filler graphs and 20 seed subgraphs",
    )
    parser.add_argument(
        "--think-time",
        default="1,3",
        help="MIN,MAX seconds a user waits between requests (default 1,3: a busy scripted "
        "client; people reading a graph wait longer, e.g. 5,15)",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="uvicorn --workers")
    parser.add_argument(
        "--db-pool",
        type=int,
        default=8,
        help="DATABASE_POOL_MAX_SIZE per uvicorn worker; 0 = persistent connections, no pool",
    )
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--filler-graphs", type=int, default=60)
    parser.add_argument("--subgraphs", type=int, default=40)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="cs_loadbench", help="dropped and recreated")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8", help="its db is flushed")
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 15.0 if args.quick else 60.0
    if args.warmup is None:
        args.warmup = 5.0 if args.quick else 10.0
    if args.quick:
        args.filler_graphs, args.subgraphs = min(args.filler_graphs, 30), min(args.subgraphs, 20)
    args.levels = [int(n) for n in args.users.split(",") if n.strip()]
    try:
        low, high = (float(x) for x in args.think_time.split(","))
    except ValueError:
        parser.error(f"--think-time {args.think_time!r}: expected MIN,MAX seconds, e.g. 1,3")
    if not 0 <= low <= high:
        parser.error(f"--think-time {args.think_time!r}: need 0 <= MIN <= MAX")
    args.think_time = (low, high)
    return args


def pg_connections(stack: Stack) -> int:
    done = subprocess.run(
        [
            "psql",
            f"{stack.options.pg_url.rstrip('/')}/postgres",
            "-At",
            "-c",
            f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{stack.options.database}'",
        ],
        capture_output=True,
        text=True,
        timeout=10,
    )
    return int(done.stdout.strip() or 0)


def run_level(
    env: Environment, stack: Stack, users: int, args: argparse.Namespace
) -> dict[str, Any]:
    runner = env.runner
    runner.start(users, spawn_rate=max(10.0, users / 5.0))
    gevent.sleep(users / max(10.0, users / 5.0) + args.warmup)  # ramp-up, then warm-up

    env.stats.reset_all()
    load_mix.QUOTA_429.clear()
    me = psutil.Process()
    roles = {role: [psutil.Process(pid) for pid in pids] for role, pids in stack.pids().items()}
    before = {"load": cpu_seconds([me]), **{r: cpu_seconds(p) for r, p in roles.items()}}
    machine_before = psutil.cpu_times()
    started = time.monotonic()
    peak_connections = 0
    while (left := args.duration - (time.monotonic() - started)) > 0:
        with contextlib.suppress(Exception):
            peak_connections = max(peak_connections, pg_connections(stack))
        gevent.sleep(min(PG_SAMPLE_S, left))
    wall = time.monotonic() - started
    after = {"load": cpu_seconds([me]), **{r: cpu_seconds(p) for r, p in roles.items()}}
    machine_after = psutil.cpu_times()
    endpoints = endpoint_figures(env.stats, wall)
    errors = error_figures(env.stats)
    runner.stop()
    gevent.sleep(1.0)

    cores = psutil.cpu_count() or 1
    busy = lambda t: t.user + t.system + t.nice + getattr(t, "irq", 0) + getattr(t, "softirq", 0)  # noqa: E731
    share = lambda seconds: round(100.0 * seconds / (wall * cores), 1)  # noqa: E731
    total = env.stats.total
    return {
        "users": users,
        "duration_s": round(wall, 1),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.num_requests / wall, 2),
        "quota_429": sum(load_mix.QUOTA_429.values()),
        "endpoints": endpoints,
        "errors": errors,
        "pg_connections_peak": peak_connections,
        "cpu": {
            "cores": cores,
            "machine_pct": share(busy(machine_after) - busy(machine_before)),
            "load_generator_pct": share(after["load"] - before["load"]),
            "server_pct": share(after["server"] - before["server"]),
            "worker_pct": share(after["worker"] - before["worker"]),
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = StackOptions(
        pg_url=args.pg_url,
        database=args.database,
        redis_url=args.redis_url,
        web_workers=args.web_workers,
        accounts=args.accounts,
        filler_graphs=args.filler_graphs,
        subgraphs=args.subgraphs,
        jobs_per_hour=100_000,
        max_queued=2,
        db_pool=args.db_pool,
    )
    stack = Stack(options)

    def stop_on_sigterm(signum, frame) -> None:
        # A benchmark killed from outside (a timeout) still stops its processes and drops its
        # database; Ctrl-C goes through the `finally` below.
        stack.close()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop_on_sigterm)
    levels: list[dict[str, Any]] = []
    try:
        print(
            f"setting up (database {args.database}, {args.web_workers} uvicorn workers) ...",
            flush=True,
        )
        t0 = time.monotonic()
        stack.start()
        print(f"up in {time.monotonic() - t0:.0f} s at {stack.base_url}", flush=True)
        load_mix.configure(stack.seed, args.think_time)
        env = Environment(user_classes=[load_mix.MixUser], host=stack.base_url)
        env.create_local_runner()
        for users in args.levels:
            print(f"level {users} users: {args.duration:.0f} s measured ...", flush=True)
            levels.append(run_level(env, stack, users, args))
        env.runner.quit()
        jobs = stack.jobs_summary()
    finally:
        stack.close()
    report = {
        "command": " ".join(
            [Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]
        ),
        "config": {
            "web_workers": args.web_workers,
            "db_pool_per_web_worker": args.db_pool,
            "think_time_s": list(args.think_time),
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "accounts": args.accounts,
            "filler_graphs": args.filler_graphs,
            "seed_subgraphs": args.subgraphs,
            "graphs": [
                {k: g[k] for k in ("id", "slug", "byte_size")} for g in stack.seed["graphs"]
            ],
            "load_generator": "locust (FastHttpUser), one process",
            "cpu_count": psutil.cpu_count(),
            "load_average_at_end": list(os.getloadavg()),
        },
        "levels": levels,
        "generation_jobs_by_state": jobs,
        **summary(levels),
    }
    print_table(levels, report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
