from __future__ import annotations

from django.apps import AppConfig


class GraphsConfig(AppConfig):
    name = "graphs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the receiver that closes websockets of a revoked API token, in every process
        # that may revoke one (server, admin, management commands).
        from graphs import ws_auth  # noqa: F401
