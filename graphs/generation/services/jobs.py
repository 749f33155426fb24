"""Write paths of the workers: claim a job, report progress (which renews the lease and tells
the worker whether to stop), store the result, fail, and reap jobs whose worker died.

Each function is one transaction on the job row (locked), and announces the new state to the
job's channel group on commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from graphs.generation import conf, events
from graphs.generation.models import GenerationJob
from graphs.generation.registry import get_entry
from graphs.generation.services import dispatch

log = logging.getLogger(__name__)
State = GenerationJob.State
WORKER_LOST = "worker lost: the worker running this job stopped responding"


def _save(job: GenerationJob) -> GenerationJob:
    job.version += 1
    job.save()
    transaction.on_commit(lambda: events.publish(job))
    return job


def _lease_end():
    return timezone.now() + timedelta(seconds=conf.get("GENERATION_LEASE_S"))


def _locked(job_id: str) -> GenerationJob | None:
    return GenerationJob.objects.select_for_update().filter(pk=job_id).first()


@transaction.atomic
def claim(job_id: str, worker: str) -> GenerationJob | None:
    """Take a queued job. None when it is gone, cancelled, finished or already taken (a
    redelivered or duplicate message), so a message is never run twice."""
    job = _locked(job_id)
    if job is None or job.state != State.QUEUED:
        return None
    now = timezone.now()
    job.state = State.RUNNING
    job.phase = "loading"
    job.progress_done = job.progress_total = 0
    job.worker = worker
    job.attempts += 1
    job.started_at = now
    job.lease_expires_at = _lease_end()
    return _save(job)


@transaction.atomic
def progress(job_id: str, worker: str, phase: str, done: int, total: int) -> bool:
    """Record a progress step and renew the lease. False when the job is no longer this worker's
    to run (cancelled, or reaped and handed to another worker): the worker must stop."""
    job = _locked(job_id)
    if job is None or job.state != State.RUNNING or job.worker != worker:
        return False
    job.phase, job.progress_done, job.progress_total = phase, done, total
    job.lease_expires_at = _lease_end()
    _save(job)
    return True


def renew_lease(job_id: str, worker: str) -> bool:
    """The heartbeat: one UPDATE, no event. False when the job is no longer ours."""
    updated = GenerationJob.objects.filter(pk=job_id, state=State.RUNNING, worker=worker).update(
        lease_expires_at=_lease_end()
    )
    return updated == 1


@transaction.atomic
def succeed(job_id: str, worker: str, graph_json: dict[str, Any]) -> GenerationJob | None:
    """Store the graph through the graphs services and link it. None if the job was cancelled or
    taken over meanwhile: then nothing is stored."""
    job = _locked(job_id)
    if job is None or job.state != State.RUNNING or job.worker != worker:
        return None
    from graphs.generation.services.job_graphs import store_job_graph

    job.graph = store_job_graph(job, graph_json)
    job.state = State.SUCCEEDED
    job.phase = "done"
    job.progress_done = job.progress_total
    job.finished_at = timezone.now()
    job.lease_expires_at = None
    return _save(job)


@transaction.atomic
def fail(job_id: str, reason: str, worker: str | None = None) -> GenerationJob | None:
    job = _locked(job_id)
    if job is None or job.is_final or (worker is not None and job.worker != worker):
        return None
    job.state = State.FAILED
    job.error = reason[:2000]
    job.finished_at = timezone.now()
    job.lease_expires_at = None
    return _save(job)


def reap_expired() -> list[tuple[str, str]]:
    """Requeue each running job whose lease expired (its worker died) once; fail it with "worker
    lost" after the last attempt. Also fail jobs running past the hard time limit. Safe to run
    from several processes at once (rows are claimed with SKIP LOCKED)."""
    now = timezone.now()
    limit = timedelta(seconds=conf.get("GENERATION_TIME_LIMIT_S") + conf.get("GENERATION_LEASE_S"))
    expired = GenerationJob.objects.filter(state=State.RUNNING).filter(
        lease_expires_at__lt=now
    ) | GenerationJob.objects.filter(state=State.RUNNING, started_at__lt=now - limit)
    outcomes = []
    for job_id in expired.values_list("pk", flat=True):
        outcome = _reap_one(job_id)
        if outcome:
            outcomes.append((job_id, outcome))
    return outcomes


@transaction.atomic
def _reap_one(job_id: str) -> str | None:
    job = GenerationJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
    now = timezone.now()
    if job is None or job.state != State.RUNNING:
        return None
    over_time = job.started_at and (now - job.started_at).total_seconds() > conf.get(
        "GENERATION_TIME_LIMIT_S"
    ) + conf.get("GENERATION_LEASE_S")
    if over_time:
        job.state, job.error = State.FAILED, time_limit_message()
    elif job.lease_expires_at is None or job.lease_expires_at >= now:
        return None
    elif job.attempts < conf.get("GENERATION_MAX_ATTEMPTS"):
        job.state, job.phase, job.worker, job.lease_expires_at = State.QUEUED, "", "", None
        entry = get_entry(job.model_id)
        if entry is None:
            job.state, job.error = State.FAILED, f"model {job.model_id} is no longer offered"
        else:
            _save(job)
            transaction.on_commit(lambda: dispatch.enqueue_job(job.id, entry))
            log.warning("job %s: worker lost, requeued (attempt %s)", job.id, job.attempts + 1)
            return "requeued"
    else:
        job.state, job.error = State.FAILED, WORKER_LOST
    job.finished_at = now
    job.lease_expires_at = None
    _save(job)
    log.warning("job %s failed: %s", job.id, job.error)
    return "failed"


def queued_resend_s() -> int:
    return int(conf.get("GENERATION_QUEUED_RESEND_S"))


def resend_stale_queued() -> list[str]:
    """Send the message of each job queued for longer than `queued_resend_s()` again; returns
    their ids. A queued job's `lease_expires_at` is its resend time: set when the reaper first
    sees the job, renewed at each resend (a running job's lease is set afresh by claim())."""
    now = timezone.now()
    later = now + timedelta(seconds=queued_resend_s())
    GenerationJob.objects.filter(state=State.QUEUED, lease_expires_at__isnull=True).update(
        lease_expires_at=later
    )
    resent = []
    for job_id in GenerationJob.objects.filter(
        state=State.QUEUED, lease_expires_at__lt=now
    ).values_list("pk", flat=True):
        if _resend_one(job_id, later):
            resent.append(job_id)
    return resent


@transaction.atomic
def _resend_one(job_id: str, later) -> bool:
    job = GenerationJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
    if job is None or job.state != State.QUEUED or not job.lease_expires_at:
        return False
    if job.lease_expires_at >= timezone.now():
        return False
    job.lease_expires_at = later
    job.save(update_fields=["lease_expires_at"])  # no new state for clients: no event
    entry = get_entry(job.model_id)
    if entry is None:
        return False
    # robust: a broker still down is logged, and the next resend time comes round again.
    transaction.on_commit(lambda: dispatch.enqueue_job(job.id, entry), robust=True)
    log.warning(
        "job %s: still queued after %s s, its message was sent again", job.id, queued_resend_s()
    )
    return True


def fail_unserved(owner=None) -> list[str]:
    """Fail each job queued longer than GENERATION_UNSERVED_FAIL_S whose model no live worker
    can run, with the reason; returns their ids. It no longer holds one of its owner's slots.
    `owner` limits the pass to one user's jobs (at submission)."""
    from graphs.generation.availability import availability_of

    cutoff = timezone.now() - timedelta(seconds=int(conf.get("GENERATION_UNSERVED_FAIL_S")))
    stale = GenerationJob.objects.filter(state=State.QUEUED, created_at__lt=cutoff)
    if owner is not None:
        stale = stale.filter(owner=owner)
    jobs = list(stale.only("id", "model_id"))
    if not jobs:
        return []
    entries = {job.model_id: get_entry(job.model_id) for job in jobs}
    states = availability_of([entry for entry in entries.values() if entry is not None])
    failed = []
    for job in jobs:
        state = states.get(job.model_id)
        if state is not None and (state.available or not state.checked):
            continue
        reason = state.reason if state is not None else "the model is no longer offered"
        message = f"not started: no worker can run model {job.model_id} ({reason})"
        if _fail_if_queued(job.id, message) is not None:
            failed.append(job.id)
    return failed


@transaction.atomic
def _fail_if_queued(job_id: str, reason: str) -> GenerationJob | None:
    # A worker may have claimed it since it was listed: then it runs, and is not failed here.
    job = _locked(job_id)
    if job is None or job.state != State.QUEUED:
        return None
    return fail(job_id, reason)


def time_limit_message() -> str:
    return f"time limit exceeded: a job may run at most {conf.get('GENERATION_TIME_LIMIT_S')} s"
