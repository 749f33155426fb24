"""Running one generation job: the body shared by the Celery task and the embedded thread.

claim the job -> run the engine with a progress callback (throttled events, lease renewal,
cancellation and time-limit checks) -> store the graph through the graphs services. A heartbeat
thread renews the lease while the engine computes between progress calls.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, close_old_connections, connection

from graphs.errors import GraphRejected, InvalidInput
from graphs.features.links import attach_if_served
from graphs.generation import conf
from graphs.generation.registry import get_entry
from graphs.generation.services import jobs, tokens
from graphs.storage import StorageUnavailable
from inference_worker.worker.cache import MODEL_CACHE

log = logging.getLogger(__name__)
T = TypeVar("T")
_DB_DOWN = (OperationalError, InterfaceError)


class StopJob(Exception):
    """The job is no longer this worker's to run (cancelled or taken over)."""


class TimeLimit(Exception):
    pass


def worker_name(kind: str = "celery") -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}"


def ride_out_db_blip(call: Callable[..., T], *args: object) -> T:
    """Run one job write; while the database is unreachable (a restart, a failover, a network
    blip), drop the dead connection and try again, for at most one lease. Past that the reaper
    may have handed the job on, so the error goes up. Every job write is one transaction on the
    locked job row that checks it is still ours, so a retry never applies anything twice."""
    deadline = time.monotonic() + conf.get("GENERATION_LEASE_S")
    delay = 0.2
    while True:
        try:
            return call(*args)
        except _DB_DOWN as exc:
            with contextlib.suppress(Exception):
                connection.close()  # a broken connection fails every later query otherwise
            if time.monotonic() + delay > deadline:
                raise
            log.warning(
                "database unavailable (%s); retrying %s", str(exc).strip()[:200], call.__name__
            )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


class Progress:
    """The engine's `progress(phase, done, total)` callback for one job."""

    def __init__(self, job_id: str, worker: str) -> None:
        self.job_id, self.worker = job_id, worker
        self.started = time.monotonic()
        self.min_interval = 1.0 / conf.get("GENERATION_EVENTS_PER_S")
        self.time_limit = conf.get("GENERATION_TIME_LIMIT_S")
        self.phase: str | None = None
        self.last_sent = 0.0
        self.last_step_at: float | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        self.last_step_at = now
        if now - self.started > self.time_limit:
            raise TimeLimit(jobs.time_limit_message())
        # Phase changes and phase ends always go out; steps within a phase at most N per second.
        if phase == self.phase and done < total and now - self.last_sent < self.min_interval:
            return
        self.phase, self.last_sent = phase, now
        if not ride_out_db_blip(jobs.progress, self.job_id, self.worker, phase, done, total):
            raise StopJob()


class Heartbeat(threading.Thread):
    def __init__(self, job_id: str, worker: str) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.worker = job_id, worker
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = conf.get("GENERATION_HEARTBEAT_S")
        try:
            while not self.stopped.wait(interval):
                try:
                    if not jobs.renew_lease(self.job_id, self.worker):
                        return
                except Exception as exc:
                    # One failed renewal (a database blip) must not end the heartbeat: the
                    # lease would then expire under a live worker and the job run twice.
                    log.warning("heartbeat of job %s failed: %s", self.job_id, exc)
                    with contextlib.suppress(Exception):
                        connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()


def _engine_settings(job, entry) -> dict:
    return {
        **job.settings,
        "batch_size": entry.batch_size,
        "slug": job.slug,
        "device": entry.device,
        "dtype": entry.dtype,
    }


def run_job(job_id: str, worker: str) -> str:
    """Run one job to its end. Returns the outcome, for logs and tests."""
    close_old_connections()
    job = ride_out_db_blip(jobs.claim, job_id, worker)
    if job is None:
        return "skipped"
    entry = get_entry(job.model_id)
    if entry is None:
        _fail(job_id, f"model {job.model_id} is not offered by this worker", worker)
        return "failed"
    try:
        tokens.check_prompt_length(entry, job.prompt)
    except InvalidInput as exc:
        _fail(job_id, exc.message, worker)
        return "failed"
    progress = Progress(job_id, worker)
    heartbeat = Heartbeat(job_id, worker)
    heartbeat.start()
    try:
        from inference_worker.engine import EngineError, trace

        try:
            graph = trace(
                entry.model,
                entry.transcoders,
                job.prompt,
                settings=_engine_settings(job, entry),
                progress=progress,
                model_cache=MODEL_CACHE,
            )
        except EngineError as exc:
            _fail(job_id, str(exc), worker)
            return "failed"
        # Graphs of a set whose dashboards we serve (the demo's) point the explorer at them.
        ride_out_db_blip(attach_if_served, graph, job.model_id, entry.transcoders)
        progress_ok = ride_out_db_blip(jobs.progress, job_id, worker, "saving", 0, 1)
        if not progress_ok or ride_out_db_blip(jobs.succeed, job_id, worker, graph) is None:
            return "stopped"
        if progress.last_step_at is not None:
            log.info(
                "job %s stored %.3f s after the last engine step",
                job_id,
                time.monotonic() - progress.last_step_at,
            )
        return "succeeded"
    except StopJob:
        return "stopped"
    except TimeLimit as exc:
        _fail(job_id, str(exc), worker)
        return "failed"
    except GraphRejected as exc:
        problems = "; ".join(f"{p.path}: {p.message}" for p in exc.problems[:3])
        _fail(job_id, f"the generated graph was refused: {exc} ({problems})", worker)
        return "failed"
    except StorageUnavailable as exc:  # the message starts "could not store the graph"
        log.error("job %s: %s", job_id, exc)
        _fail(job_id, str(exc), worker)
        return "failed"
    except Exception as exc:
        if type(exc).__name__ == "SoftTimeLimitExceeded":  # Celery's, without importing Celery
            _fail(job_id, jobs.time_limit_message(), worker)
            return "failed"
        log.exception("job %s crashed", job_id)
        _fail(job_id, f"internal error while generating: {type(exc).__name__}: {exc}", worker)
        return "failed"
    finally:
        heartbeat.stop()


def _fail(job_id: str, reason: str, worker: str) -> None:
    ride_out_db_blip(jobs.fail, job_id, reason, worker)
