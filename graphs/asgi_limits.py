"""ASGI middleware that refuses request bodies over the graph upload limit before Django reads them,
and bodies that arrive too slowly.

Django's ASGI handler copies the whole request body to a temporary file before any view runs,
so the upload view's 413 alone would come only after, say, 10 GB had been written to disk. This
wrapper answers 413 as soon as the declared Content-Length, or the bytes actually received,
exceed GRAPH_UPLOAD_MAX_BYTES (counted as sent, i.e. before any gzip decoding; the upload parser
then bounds the decoded size). No legitimate request to this application is larger.

A body must also arrive in time: a gap of more than REQUEST_BODY_IDLE_TIMEOUT_S between two of
its chunks, or more than REQUEST_BODY_TIMEOUT_S for the whole body, answers 408 and abandons the
request, so a client trickling a few bytes at a time cannot hold a request thread and its
temporary file for ever. Only the body is timed: once it is complete, waiting on the client
(for a disconnect) is the application's business. Slow request headers are not seen here (the
server parses them before the application is called): that is the reverse proxy's job.

Use: application = RequestBodyLimit(django_asgi_app) in webapp/asgi.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from graphs import conf
from graphs.intake import too_large_message

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def _send_413(send: Send, limit: int) -> None:
    await _send_error(send, 413, too_large_message(limit))


async def _send_error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestBodyLimit:
    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = int(conf.get("GRAPH_UPLOAD_MAX_BYTES"))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_413(send, limit)
            return

        received = 0
        refused = False
        body_done = False
        idle_s = float(conf.get("REQUEST_BODY_IDLE_TIMEOUT_S"))
        deadline = time.monotonic() + float(conf.get("REQUEST_BODY_TIMEOUT_S"))

        async def limited_receive() -> Message:
            nonlocal received, refused, body_done
            if refused:
                return {"type": "http.disconnect"}
            if body_done:
                return await receive()
            wait = min(idle_s, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.001))
            except TimeoutError:
                refused = True
                await _send_error(
                    send,
                    408,
                    "the request body arrived too slowly (more than "
                    f"{conf.get('REQUEST_BODY_IDLE_TIMEOUT_S')} s between two parts, or "
                    f"{conf.get('REQUEST_BODY_TIMEOUT_S')} s in all)",
                )
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now; Django then sees a disconnect and abandons the request quietly.
                    refused = True
                    await _send_413(send, limit)
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, send)
