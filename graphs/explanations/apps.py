from __future__ import annotations

from django.apps import AppConfig


class ExplanationsConfig(AppConfig):
    """What features mean: explanations (imported, LLM, offline, human), their search, the
    default label of each feature, and auto-interp runs."""

    name = "graphs.explanations"
    label = "explanations"
    default_auto_field = "django.db.models.BigAutoField"
