from __future__ import annotations

from django.apps import AppConfig


class GraphsConfig(AppConfig):
    """Graphs and subgraphs: storage and intake, validation, permissions, their API and pages."""

    name = "graphs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from graphs import answer_cache

        answer_cache.connect_receivers()
