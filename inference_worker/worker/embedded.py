"""Embedded mode (no REDIS_URL): jobs run one at a time in a worker thread inside the server
process, through the same `run_job` as the Celery task, and events go through the in-memory
channel layer. `make run` can therefore generate demo graphs with no other service.

This module is the domain's embedded runner (graphs/generation/runner.py): settings name it in
GENERATION_EMBEDDED_RUNNER, so the domain reaches it without importing the worker package."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from django.db import connection

from graphs.generation import conf
from graphs.generation.registry import get_entry

log = logging.getLogger(__name__)
_jobs: queue.Queue[str] = queue.Queue()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _serve() -> None:
    from inference_worker.worker.reaper import reap_once
    from inference_worker.worker.runner import run_job, worker_name

    name = worker_name("embedded")
    interval = conf.get("GENERATION_REAPER_INTERVAL_S")
    _requeue_leftovers()
    while True:
        try:
            job_id = _jobs.get(timeout=interval)
        except queue.Empty:
            job_id = None
        try:
            if job_id is None:
                reap_once()
            else:
                log.info("embedded worker: job %s %s", job_id, run_job(job_id, name))
        except Exception:
            log.exception("embedded worker: job %s", job_id)
        finally:
            connection.close()


def _requeue_leftovers() -> None:
    """Jobs queued before this server (re)started lived only in the old process' memory: take
    them up again. A job already put in the queue is harmless twice (claim skips it)."""
    from graphs.generation.models import GenerationJob

    try:
        for job_id in (
            GenerationJob.objects.filter(state="queued")
            .order_by("created_at")
            .values_list("pk", flat=True)
        ):
            _jobs.put(job_id)
    except Exception:
        log.exception("embedded worker: could not list queued jobs")
    finally:
        connection.close()


def submit(job_id: str) -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_serve, name="embedded-worker", daemon=True)
            _thread.start()
    _jobs.put(job_id)


def run_now(job_id: str) -> str:
    """Run one job in the calling thread (a management command), as the worker thread would."""
    from inference_worker.worker.runner import run_job, worker_name

    return run_job(job_id, worker_name("command"))


def tokenize(model_id: str, prompt: str, *, timeout: float) -> dict[str, Any]:
    """In-process, in the request's thread: the model cache is this process's."""
    from inference_worker.worker.preview import preview

    entry = get_entry(model_id)
    if entry is None:
        raise ValueError(f"unknown model {model_id}")
    return preview(entry, prompt)


def steer(model_id: str, request: dict[str, Any]) -> dict[str, Any]:
    """In-process, in the request's thread, like `tokenize`."""
    from inference_worker.worker.steer import steer as run_steer

    entry = get_entry(model_id)
    if entry is None:
        return {"error": f"unknown model {model_id}"}
    return run_steer(entry, request)


def missing_weights(model_id: str) -> str | None:
    from inference_worker.engine.weights import missing_weights as missing

    entry = get_entry(model_id)
    if entry is None:
        return f"unknown model {model_id}"
    return missing(entry.model, entry.transcoders)
