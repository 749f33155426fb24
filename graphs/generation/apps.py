from __future__ import annotations

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    """Generation on demand: jobs, quotas, the model registry, dispatch to workers, progress
    events and their websocket, steering and tokenize endpoints."""

    name = "graphs.generation"
    label = "generation"
    default_auto_field = "django.db.models.BigAutoField"
