from __future__ import annotations

from django.apps import AppConfig


class FeaturesConfig(AppConfig):
    """Feature dashboards (Anthropic feature format): public sets and per-graph uploads."""

    name = "graphs.features"
    label = "features"
    default_auto_field = "django.db.models.BigAutoField"
