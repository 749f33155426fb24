"""Websocket consumers outlive a channel layer outage: when Redis goes away under an open socket,
the socket is closed with 1013 "try again later" (clients reconnect, and get the current state
on connect), not left to crash the consumer with a traceback and a bare 1011."""

from __future__ import annotations

import contextlib
import logging

import redis.exceptions

from webapp.ws_close_codes import TRY_AGAIN_LATER

log = logging.getLogger(__name__)

_LAYER_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ClosesWhenLayerIsDown:
    """Mix into a Channels consumer class, before the consumer base."""

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)  # type: ignore[misc]
        except _LAYER_DOWN as exc:
            log.warning(
                "websocket %s closed: the channel layer is unavailable (%s)", scope.get("path"), exc
            )
            with contextlib.suppress(Exception):  # the client may be gone too
                await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
