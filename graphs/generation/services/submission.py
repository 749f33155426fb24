"""Write paths of the web tier for generation: submitting a job (validation, identical-request
reuse, quotas) and cancelling one. Workers' write paths are in graphs/generation/services/jobs.py."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from graphs.errors import Conflict, QuotaExceeded
from graphs.generation import events
from graphs.generation.availability import require_available
from graphs.generation.models import GenerationJob, limits_for, request_key
from graphs.generation.registry import ModelEntry
from graphs.generation.services import dispatch, jobs, tokens

# While a user has the most jobs queued at once, the earliest a retry can hope to succeed.
QUEUED_RETRY_AFTER_S = 30


@dataclass
class GenerationRequest:
    entry: ModelEntry
    prompt: str
    slug: str
    visibility: str
    settings: dict[str, Any] = field(default_factory=dict)
    fresh: bool = False


@dataclass
class Submitted:
    job: GenerationJob
    reused: bool  # an identical earlier request's result, not a new job


def _check_quota(user) -> None:
    limits = limits_for(user)
    now = timezone.now()
    active = GenerationJob.objects.filter(owner=user, state__in=GenerationJob.ACTIVE_STATES).count()
    if active >= limits.max_queued:
        raise QuotaExceeded(
            f"you have {active} generation(s) queued or running; the limit is {limits.max_queued}",
            retry_after_s=QUEUED_RETRY_AFTER_S,
        )
    window_start = now - timedelta(hours=1)
    recent = GenerationJob.objects.filter(owner=user, created_at__gt=window_start)
    if recent.count() >= limits.jobs_per_hour:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = (oldest + timedelta(hours=1) - now).total_seconds() if oldest else 3600
        raise QuotaExceeded(
            f"you have started {limits.jobs_per_hour} generation(s) in the last hour, the limit",
            retry_after_s=max(1, math.ceil(wait)),
        )


def _identical(user, key: str, visibility: str) -> GenerationJob | None:
    """The user's latest identical request still in flight or with its graph still stored, with
    the visibility asked for now: a private request never gets a public graph, nor the reverse
    (the stored graph's current visibility counts, as its owner may have changed it)."""
    same = GenerationJob.objects.filter(owner=user, request_key=key, visibility=visibility)
    same = same.order_by("-created_at")
    in_flight = same.filter(state__in=GenerationJob.ACTIVE_STATES).first()
    if in_flight is not None:
        return in_flight
    return same.filter(
        state=GenerationJob.State.SUCCEEDED, graph__isnull=False, graph__visibility=visibility
    ).first()


@transaction.atomic
def start_generation(user, req: GenerationRequest) -> Submitted:
    entry = req.entry
    n_tokens = tokens.check_prompt_length(entry, req.prompt)
    tokens.check_targets(entry, req.settings)
    # One submission per user at a time: quota counts cannot race past the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    key = request_key(entry.id, req.prompt, req.settings)
    if not req.fresh:
        previous = _identical(user, key, req.visibility)
        if previous is not None:
            return Submitted(previous, reused=True)
    require_available(entry)
    # A job stuck in the queue of a model nobody serves must not hold one of the user's slots.
    jobs.fail_unserved(owner=user)
    _check_quota(user)
    job = GenerationJob.objects.create(
        owner=user,
        model_id=entry.id,
        prompt=req.prompt,
        settings=req.settings,
        slug=req.slug,
        visibility=req.visibility,
        request_key=key,
        n_prompt_tokens=n_tokens,
        graph_metadata={"scan": entry.scan} if entry.scan else {},
    )
    transaction.on_commit(lambda: dispatch.enqueue_job(job.id, entry))
    return Submitted(job, reused=False)


@transaction.atomic
def cancel_generation(job: GenerationJob) -> GenerationJob:
    """Cancel a queued or running job. A running job's worker notices at its next progress step
    and stops; a queued job's message is skipped when a worker takes it."""
    job = GenerationJob.objects.select_for_update().get(pk=job.pk)
    if job.is_final:
        raise Conflict.on_field("state", f"the job is already {job.state}")
    job.state = GenerationJob.State.CANCELLED
    job.finished_at = timezone.now()
    job.lease_expires_at = None
    job.version += 1
    job.save()
    transaction.on_commit(lambda: events.publish(job))
    return job
