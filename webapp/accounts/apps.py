from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "webapp.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # schema: the OpenAPI extension for bearer tokens (drf-spectacular finds it by import);
        # login_limits: the receiver marking a login that succeeded, for the brute-force brake;
        # ws_auth: the receiver closing the websockets of a revoked API token, in every process
        # that may revoke one (server, admin, management commands).
        from webapp.accounts import login_limits, schema, token_cache, ws_auth  # noqa: F401

        token_cache.connect_receivers()
