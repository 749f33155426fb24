"""Generation overhead outside the engine, on a tiny model, through the production path: real
Celery worker processes, Redis (broker + channel layer) and PostgreSQL.

Prints:
  submit -> first event      POST's service call until the worker's first event arrives
  last engine step -> stored the engine's last progress event until the graph is stored
                             (both stamped by the worker; storing, linking and the event itself)
  event latency              worker sends an event -> a channel-layer subscriber receives it
  throughput                 jobs/minute with 1 worker process vs 2 (one CPU pool child each)

Usage (the database must exist; it is migrated; jobs and graphs made here are deleted):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/cs_generation REDIS_URL=redis://127.0.0.1:6379/7 \
      python benchmarks/generation_overhead.py [--jobs 8] [--samples 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENGINE_PHASES = {"loading", "forward", "logit rows", "feature rows", "pruning", "export"}
PROMPTS = [
    "the capital of France is",
    "the capital of Texas is",
    "the city of Paris is",
    "the opposite of hot is",
    "Michael Jordan plays the sport of",
    "the sun and the moon",
    "the dog and the cat",
    "the red house of the city",
    "one two three four",
    "the big river and the mountain",
    "the team player of the game",
    "the capital of Spain is",
]


def setup(tmp: Path) -> tuple[str, Path]:
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith(
        "postgres"
    ):
        sys.exit("error: set DATABASE_URL (PostgreSQL) and REDIS_URL (see the docstring)")
    from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

    model = build_tiny_model_dir(tmp / "model")
    transcoders = build_tiny_transcoders(tmp / "transcoders", model, kind="plt")
    queue = f"cpu.bench-{uuid.uuid4().hex[:6]}"
    entry = {
        "id": "bench-tiny",
        "display_name": "bench",
        "queue": queue,
        "model": str(model),
        "transcoders": str(transcoders),
        "tokenizer": str(model),
        "max_prompt_tokens": 32,
        "batch_size": 16,
        "settings": {"max_feature_nodes": {"default": 40}},
    }
    models_file = tmp / "models.json"
    models_file.write_text(json.dumps([entry]))
    os.environ.update(
        {
            "GENERATION_MODELS_FILE": str(models_file),
            "GENERATION_EMBEDDED": "false",
            "GENERATION_JOBS_PER_HOUR": "100000",
            "GENERATION_MAX_QUEUED": "100000",
            "DJANGO_SETTINGS_MODULE": "webapp.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return queue, models_file


def start_worker(queue: str, log: Path, threads: int | None = None):
    import subprocess

    from django.core.files.storage import storages

    env = {**os.environ, "MEDIA_ROOT": str(storages["default"].location)}
    if threads:  # torch's intra-op threads per worker; by default each takes every core
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    out = open(log, "ab")  # noqa: SIM115 - lives as long as the worker
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "webapp",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "prefork",
            "-n",
            f"bench-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc


def stop(procs) -> None:
    import signal

    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        proc.wait(timeout=30)


def forget_queue(queue: str) -> None:
    """Drop the benchmark queue's leftovers (its list and kombu's bindings) from Redis."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        client.delete(queue, *client.scan_iter(match=f"_kombu.binding*.{queue}"))
    finally:
        client.close()


def submit(user, prompt: str):
    from graphs.generation.registry import get_entry
    from graphs.generation.services.submission import GenerationRequest, start_generation

    entry = get_entry("bench-tiny")
    settings = {name: spec.default for name, spec in entry.settings.items()}
    req = GenerationRequest(
        entry=entry,
        prompt=prompt,
        slug="bench",
        visibility="private",
        settings=settings,
        fresh=True,
    )
    return start_generation(user, req).job


async def traced_job(user, prompt: str) -> dict:
    """One job, watched from its group before it is enqueued. Returns the timings."""
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer
    from django.db import transaction

    from graphs.generation.events import group_name

    layer = get_channel_layer()
    channel = await layer.new_channel()

    def submit_and_subscribe():
        with transaction.atomic():  # enqueue happens on commit, after the subscription
            job = submit(user, prompt)
            from asgiref.sync import async_to_sync

            async_to_sync(layer.group_add)(group_name(job.id), channel)
            started = time.time()
        return job.id, started

    _job_id, submitted_at = await sync_to_async(submit_and_subscribe)()
    events = []
    while True:
        message = await asyncio.wait_for(layer.receive(channel), timeout=120)
        events.append((time.time(), message["sent_at"], message["job"]))
        if message["job"]["state"] in ("succeeded", "failed", "cancelled"):
            break
    assert events[-1][2]["state"] == "succeeded", events[-1][2]["error"]
    last_engine = max(sent for _, sent, job in events if job["phase"] in ENGINE_PHASES)
    return {
        "submit_to_first_event": events[0][0] - submitted_at,
        "engine_to_stored": events[-1][1] - last_engine,
        "latencies": [received - sent for received, sent, _ in events],
    }


def wait_ready(user, n_workers: int) -> None:
    """Warm every worker process (imports, model load): run jobs side by side until each of
    `n_workers` pool children has finished one."""
    from graphs.generation.models import GenerationJob

    deadline = time.monotonic() + 300
    warm: set[str] = set()
    while len(warm) < n_workers:
        ids = [submit(user, PROMPTS[i % len(PROMPTS)]).id for i in range(n_workers)]
        while GenerationJob.objects.filter(pk__in=ids, state__in=["queued", "running"]).exists():
            if time.monotonic() > deadline:
                sys.exit("error: workers did not warm up in 300 s")
            time.sleep(0.2)
        warm |= set(
            GenerationJob.objects.filter(pk__in=ids, state="succeeded").values_list(
                "worker", flat=True
            )
        )


def throughput(user, n_jobs: int) -> float:
    from graphs.generation.models import GenerationJob

    start = time.monotonic()
    ids = [submit(user, PROMPTS[i % len(PROMPTS)]).id for i in range(n_jobs)]
    while GenerationJob.objects.filter(pk__in=ids, state__in=["queued", "running"]).exists():
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    failed = list(GenerationJob.objects.filter(pk__in=ids).exclude(state="succeeded"))
    if failed:
        sys.exit(f"error: {len(failed)} of {n_jobs} jobs did not succeed: {failed[0].error}")
    return n_jobs / elapsed * 60


def fmt(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"median {1000 * statistics.median(values):7.1f} ms   p95 {1000 * p95:7.1f} ms   (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8, help="jobs per throughput run")
    parser.add_argument("--samples", type=int, default=5, help="traced jobs for the latencies")
    parser.add_argument("--threads", type=int, default=None, help="torch threads per worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        queue, _ = setup(tmp)
        from django.contrib.auth import get_user_model

        from graphs.generation.models import GenerationJob
        from graphs.models import Graph

        user, _ = get_user_model().objects.get_or_create(username=f"bench-{uuid.uuid4().hex[:6]}")
        procs = [start_worker(queue, tmp / "worker-0.log", args.threads)]
        try:
            wait_ready(user, 1)
            traced = [
                asyncio.run(traced_job(user, PROMPTS[i % len(PROMPTS)]))
                for i in range(args.samples)
            ]
            one = throughput(user, args.jobs)
            procs.append(start_worker(queue, tmp / "worker-1.log", args.threads))
            wait_ready(user, 2)
            two = throughput(user, args.jobs)
        finally:
            stop(procs)
            forget_queue(queue)
            Graph.objects.filter(owner=user).delete()
            GenerationJob.objects.filter(owner=user).delete()
            user.delete()
        threads = args.threads or "all"
        print(
            f"generation overhead on a tiny model ({os.cpu_count()} CPUs, torch threads per worker: {threads})"
        )
        print(f"submit -> first event        {fmt([t['submit_to_first_event'] for t in traced])}")
        print(f"last engine step -> stored   {fmt([t['engine_to_stored'] for t in traced])}")
        print(f"event latency                {fmt([x for t in traced for x in t['latencies']])}")
        print(f"throughput, 1 worker         {one:7.1f} jobs/min ({args.jobs} jobs)")
        print(
            f"throughput, 2 workers        {two:7.1f} jobs/min ({args.jobs} jobs)  x{two / one:.2f}"
        )


if __name__ == "__main__":
    main()
