from __future__ import annotations

from django.apps import AppConfig


class CollabConfig(AppConfig):
    """Collaboration: who shares a graph in which role, the activity on a graph, and its live
    websocket."""

    name = "graphs.collab"
    label = "collab"
    default_auto_field = "django.db.models.BigAutoField"
