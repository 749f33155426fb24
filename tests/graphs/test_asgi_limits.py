"""RequestBodyLimit: oversized bodies are refused before the application reads them."""

from __future__ import annotations

import asyncio

import pytest

from graphs.asgi_limits import RequestBodyLimit

pytestmark = pytest.mark.asyncio


class App:
    """A stand-in application that reads the whole body, as Django's ASGI handler does."""

    def __init__(self) -> None:
        self.read = b""
        self.aborted = False

    async def __call__(self, scope, receive, send):
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.aborted = True
                return
            self.read += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def call(
    app, chunks: list[bytes], headers: list[tuple[bytes, bytes]], path: str = "/api/validate/"
):
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict] = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # like a server: the client stays connected meanwhile

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": headers,
        "query_string": b"",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
        "root_path": "",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }
    await RequestBodyLimit(app)(scope, receive, send)
    return sent


async def test_it_refuses_a_declared_length_over_the_limit_without_reading(settings):
    settings.GRAPH_UPLOAD_MAX_BYTES = 1000
    app = App()
    sent = await call(app, [b"x" * 10], [(b"content-length", b"1001")])
    assert sent[0]["status"] == 413 and b"1000 bytes" in sent[1]["body"]
    assert app.read == b""


async def test_it_stops_a_body_that_grows_past_the_limit(settings):
    settings.GRAPH_UPLOAD_MAX_BYTES = 1000
    app = App()
    sent = await call(app, [b"x" * 600, b"x" * 600, b"x" * 600], [])
    assert sent[0]["status"] == 413
    assert app.aborted and len(app.read) == 600


async def test_it_passes_bodies_within_the_limit(settings):
    settings.GRAPH_UPLOAD_MAX_BYTES = 1000
    app = App()
    sent = await call(app, [b"x" * 500, b"y" * 500], [(b"content-length", b"1000")])
    assert sent[0]["status"] == 200 and app.read == b"x" * 500 + b"y" * 500


async def test_it_wraps_the_django_application(settings):
    from django.core.asgi import get_asgi_application

    from tests.support.paths import FIXTURES

    settings.GRAPH_UPLOAD_MAX_BYTES = 50_000
    app = get_asgi_application()
    body = (FIXTURES / "tiny.json").read_bytes()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"host", b"testserver"),
    ]
    sent = await call(app, [body[:5000], body[5000:]], headers)
    assert sent[0]["status"] == 200
    assert b'"valid":true' in b"".join(m.get("body", b"") for m in sent[1:])

    big = b" " * 60_000
    sent = await call(
        app,
        [big[:30_000], big[30_000:]],
        [(b"content-type", b"application/json"), (b"host", b"testserver")],
    )
    assert sent[0]["status"] == 413
