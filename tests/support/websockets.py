"""Websocket clients of the real ASGI application (webapp.asgi), signed in by session cookie or by
API token, as browsers and REST clients are."""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from webapp.asgi import application
from webapp.routing import websocket_urlpatterns

BASE_HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
FINAL_STATES = ("succeeded", "failed", "cancelled")


@sync_to_async
def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def socket(path: str, user=None, *, token: str | None = None) -> WebsocketCommunicator:
    headers = list(BASE_HEADERS)
    if user is not None:
        headers.append((b"cookie", f"sessionid={await session_cookie(user)}".encode()))
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def job_socket(job_id: str, user=None) -> WebsocketCommunicator:
    """The socket of one generation job (/ws/jobs/<id>/), not yet connected."""
    return await socket(f"/ws/jobs/{job_id}/", user)


async def handshake(path: str, user=None, *, token: str | None = None) -> tuple[bool, int | None]:
    """(accepted, close code when refused); the socket is closed again either way."""
    communicator = await socket(path, user, token=token)
    accepted, code = await communicator.connect(timeout=5)
    if accepted:
        await communicator.disconnect()
    return accepted, (None if accepted else code)


async def receive_until_final(communicator: WebsocketCommunicator, timeout: float) -> list[dict]:
    """Every job message until a final state (the server then closes the socket)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    messages: list[dict] = []
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no final state within {timeout} s; got {messages}")
        message = await communicator.receive_json_from(timeout=remaining)
        messages.append(message["job"])
        if message["job"]["state"] in FINAL_STATES:
            return messages


def websocket_routes() -> list[str]:
    return [str(p.pattern) for p in websocket_urlpatterns]
