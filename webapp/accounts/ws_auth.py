"""Websocket authentication by API token, for REST clients that follow a job's or a graph's
events: `Authorization: Bearer <token>` on the handshake. Browsers keep using their session (set
by AuthMiddlewareStack further out); a bad token leaves the user anonymous, so the consumer
refuses what an anonymous visitor may not see.

A token's revocation reaches the sockets it opened at once: each such socket joins the token's
channel group, and `revoke_token` announces the revocation there after it commits; the socket
then closes with TOKEN_REVOKED.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.dispatch import receiver

from graphs.generation import events
from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import token_revoked, user_for_token
from webapp.ws_close_codes import REFUSED, TOKEN_REVOKED


def token_group(token_id: str) -> str:
    return f"api-token.{token_id}"


@database_sync_to_async
def _lookup(plaintext: str):
    return user_for_token(plaintext)


@database_sync_to_async
def _token_active(token_id: str) -> bool:
    return ApiToken.objects.active().filter(pk=token_id).exists()


class BearerTokenMiddleware:
    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if "\x00" in scope.get("path", ""):
            # No id has a NUL byte, and PostgreSQL cannot look one up (it would raise): refuse
            # as for an unknown id.
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": REFUSED})
            return None
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            headers = dict(scope.get("headers") or [])
            scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                found = await _lookup(token.strip())
                if found is not None:
                    scope = {**scope, "user": found[0], "api_token_id": found[1].pk}
        return await self.inner(scope, receive, send)


class ClosesOnTokenRevocation:
    """Mixin for websocket consumers: a socket opened with an API token closes when the token is
    revoked. Channels adds the consumer to `groups` before `connect` and removes it on disconnect."""

    async def websocket_connect(self, message) -> None:
        token_id = self.scope.get("api_token_id")
        if token_id:
            self.groups = [*self.groups, token_group(token_id)]
        await super().websocket_connect(message)
        # A revocation between the handshake's lookup and joining the group was not heard: look.
        if token_id and not await _token_active(token_id):
            await self.token_revoked({})

    async def token_revoked(self, event: dict) -> None:
        await self.close(code=TOKEN_REVOKED)


@receiver(token_revoked, dispatch_uid="circuitscope-close-revoked-token-sockets")
def _close_sockets_of(sender, token_id: str, **kwargs) -> None:
    events.group_send(token_group(token_id), {"type": "token.revoked"})
