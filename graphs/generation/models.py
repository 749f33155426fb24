"""Generation's models: jobs and quotas.

A generation job is one user's request to compute an attribution graph of a prompt. States:
queued -> running (with a phase) -> succeeded (with the graph) | failed (with a reason) |
cancelled. A running job holds a lease its worker renews; an expired lease means the worker died
(see inference_worker/worker/reaper.py).

Quotas: a default tier for every account (from settings) and staff-granted tiers with an expiry
date.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from graphs.generation import conf


def new_job_id() -> str:
    # 128 random bits: job URLs cannot be guessed or enumerated.
    return secrets.token_urlsafe(16)


def request_key(model_id: str, prompt: str, job_settings: dict[str, Any]) -> str:
    """What makes two requests identical: model, exact prompt and every setting."""
    canonical = json.dumps([model_id, prompt, job_settings], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class GenerationJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)
    FINAL_STATES = (State.SUCCEEDED, State.FAILED, State.CANCELLED)

    id = models.CharField(primary_key=True, max_length=32, default=new_job_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs"
    )
    model_id = models.CharField(max_length=100)
    prompt = models.TextField()
    settings = models.JSONField(default=dict)
    slug = models.SlugField(max_length=100)
    visibility = models.CharField(max_length=16)
    request_key = models.CharField(max_length=64, db_index=True)
    n_prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    # Merged into the stored graph's `metadata` over what the engine wrote: an operator's
    # featured graphs name their model and describe themselves. Users' jobs leave it empty.
    graph_metadata = models.JSONField(default=dict, blank=True)

    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    phase = models.CharField(max_length=32, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    graph = models.ForeignKey(
        "graphs.Graph", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Bumped on every change: clients drop an event older than the state they already have.
    version = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_generationjob"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "created_at"]),
            models.Index(fields=["state", "lease_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"job {self.id} ({self.model_id}, {self.state})"

    @property
    def is_final(self) -> bool:
        return self.state in self.FINAL_STATES

    def visible_to(self, user) -> bool:
        """Only the job's owner (and staff) may see a job or subscribe to its progress."""
        return bool(user and user.is_authenticated and (user.pk == self.owner_id or user.is_staff))

    def elapsed_s(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return round((end - self.started_at).total_seconds(), 3)


@dataclass(frozen=True)
class Limits:
    name: str
    jobs_per_hour: int
    max_queued: int


def default_limits() -> Limits:
    return Limits(
        "default", conf.get("GENERATION_JOBS_PER_HOUR"), conf.get("GENERATION_MAX_QUEUED")
    )


class QuotaTier(models.Model):
    name = models.CharField(max_length=50, unique=True)
    jobs_per_hour = models.PositiveIntegerField()
    max_queued = models.PositiveIntegerField()

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_quotatier"

    def __str__(self) -> str:
        return f"{self.name} ({self.jobs_per_hour}/h, {self.max_queued} queued)"


class QuotaGrant(models.Model):
    """A higher tier for one account until `expires_at`; granted by staff (admin)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quota_grants"
    )
    tier = models.ForeignKey(QuotaTier, on_delete=models.PROTECT, related_name="grants")
    expires_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Created by the graphs app; the table kept its name when the model moved here.
        db_table = "graphs_quotagrant"
        ordering = ["-expires_at"]

    def __str__(self) -> str:
        return f"{self.tier.name} for {self.user} until {self.expires_at:%Y-%m-%d}"


def limits_for(user) -> Limits:
    """Each limit is the most generous of the default tier and the user's unexpired grants."""
    best = default_limits()
    grants = QuotaGrant.objects.filter(user=user, expires_at__gt=timezone.now()).select_related(
        "tier"
    )
    for grant in grants:
        tier = grant.tier
        best = Limits(
            tier.name if tier.jobs_per_hour >= best.jobs_per_hour else best.name,
            max(best.jobs_per_hour, tier.jobs_per_hour),
            max(best.max_queued, tier.max_queued),
        )
    return best
