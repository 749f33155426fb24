"""Websocket handshakes: the Origin must be the site's own (scheme, host and port) or a trusted
one; a client sending no Origin (no browser does that) connects without its cookies, by token."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from graphs.models import Visibility
from tests.factories import GraphFactory, UserFactory
from tests.support.websockets import session_cookie
from webapp.accounts.tokens import create_token
from webapp.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def private_graph(db):
    owner = UserFactory(username="ws-owner")
    return owner, GraphFactory(owner=owner, visibility=Visibility.PRIVATE)


async def handshake(graph, headers) -> bool:
    communicator = WebsocketCommunicator(application, f"/ws/graphs/{graph.pk}/", headers=headers)
    accepted, _code = await communicator.connect(timeout=5)
    if accepted:
        await communicator.disconnect()
    return accepted


async def with_cookie(owner, host: bytes, origin: bytes | None) -> list[tuple[bytes, bytes]]:
    headers = [(b"host", host), (b"cookie", f"sessionid={await session_cookie(owner)}".encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    return headers


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"http://localhost:8000", True),
        (b"http://LOCALHOST:8000", True),
        (b"http://localhost:6666", False),  # another port of the same host name
        (b"https://localhost:8000", False),  # another scheme
        (b"https://127.0.0.1:4444", False),  # an allowed host name, not this site
        (b"http://localhost", False),  # port 80, not 8000
        (b"http://evil.example:8000", False),
        (b"null", False),
    ],
)
async def test_a_browser_socket_needs_the_sites_own_origin(private_graph, origin, accepted):
    owner, graph = private_graph
    assert await handshake(graph, await with_cookie(owner, b"localhost:8000", origin)) is accepted


async def test_a_trusted_origin_is_let_through(private_graph, settings):
    owner, graph = private_graph
    settings.CSRF_TRUSTED_ORIGINS = ["https://localhost:4443"]
    headers = await with_cookie(owner, b"localhost:8000", b"https://localhost:4443")
    assert await handshake(graph, headers)


async def test_behind_a_trusted_tls_proxy_the_origin_is_https(private_graph, settings):
    owner, graph = private_graph
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    headers = await with_cookie(owner, b"localhost", b"https://localhost")
    assert not await handshake(graph, headers)  # the proxy said nothing: plain http
    assert await handshake(graph, [*headers, (b"x-forwarded-proto", b"https")])


async def test_a_token_client_without_origin_connects(private_graph):
    owner, graph = private_graph
    _, plaintext = await database_sync_to_async(create_token)(owner, "ws")
    headers = [(b"host", b"localhost:8000"), (b"authorization", f"Bearer {plaintext}".encode())]
    assert await handshake(graph, headers)


async def test_without_origin_cookies_are_not_used(private_graph):
    owner, graph = private_graph
    assert not await handshake(graph, await with_cookie(owner, b"localhost:8000", None))
