"""Explanations of features, and auto-interp runs.

A feature is named by (model id, source-set id, layer, index), the key the dashboards use too
(graphs/features); it may have many explanations, each with the method that made it. Which one a
viewer sees by default is decided in one place: services/defaults.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from graphs.ids import PUBLIC_ID_LENGTH, new_public_id


class Explanation(models.Model):
    id = models.CharField(
        primary_key=True, max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False
    )
    model_id = models.CharField(max_length=100)
    source_set = models.CharField(max_length=100)
    layer = models.PositiveIntegerField()
    index = models.PositiveIntegerField()
    description = models.TextField()
    method = models.CharField(max_length=64)
    # The explainer LLM's name (Neuronpedia's explanationModelName), empty for humans and rules.
    explainer_model = models.CharField(max_length=200, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="explanations",
    )
    score = models.FloatField(null=True, blank=True)
    # Where a row came from when that is worth keeping (an import's original typeName).
    notes = models.CharField(max_length=200, blank=True, default="")
    # Identity of a machine-made row (sha256, services/keys.py): a re-import or rerun finds it.
    # Null for human explanations, which are never deduplicated.
    content_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["model_id", "source_set", "layer", "index"], name="explanation_feature_idx"
            ),
            models.Index(fields=["author", "-created_at"], name="explanation_author_idx"),
        ]
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.model_id}/{self.source_set} L{self.layer} #{self.index}: {self.description}"


class AutoInterpRun(models.Model):
    """One auto-interp request: one feature, a layer or a whole set, explained feature by feature
    by a Celery task on the `autointerp` queue (services/autointerp_runs.py)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.CharField(
        primary_key=True, max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False
    )
    model_id = models.CharField(max_length=100)
    source_set = models.CharField(max_length=100)
    layer = models.PositiveIntegerField(null=True, blank=True)  # None: the whole set
    index = models.PositiveIntegerField(null=True, blank=True)  # None: the whole layer
    explainer_model = models.CharField(max_length=200)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)  # dead features: nothing to explain
    failed = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0)  # endpoint calls, retries included
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life of the worker running it: a run silent for AUTOINTERP_STALE_S was
    # abandoned (its worker died), and the redelivered task resumes it.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        scope = "all layers" if self.layer is None else f"L{self.layer}"
        if self.index is not None:
            scope += f" #{self.index}"
        return f"auto-interp {self.model_id}/{self.source_set} {scope} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)
