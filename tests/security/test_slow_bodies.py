"""A request body that trickles in is cut off: 408 after REQUEST_BODY_IDLE_TIMEOUT_S without a
part, or REQUEST_BODY_TIMEOUT_S for the whole body; the application sees a disconnect. Waiting
after a complete body is not timed."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from graphs.asgi_limits import RequestBodyLimit

pytestmark = pytest.mark.asyncio

SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/api/graphs/",
    "headers": [],
    "query_string": b"",
    "scheme": "http",
    "server": ("testserver", 80),
    "client": ("127.0.0.1", 1234),
    "root_path": "",
    "http_version": "1.1",
    "asgi": {"version": "3.0"},
}


class App:
    """Reads the body as Django's handler does, then waits for the client to go away."""

    def __init__(self, wait_after_body: float = 0.0) -> None:
        self.read = b""
        self.aborted = False
        self.wait_after_body = wait_after_body

    async def __call__(self, scope, receive, send):
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.aborted = True
                return
            self.read += message.get("body", b"")
            if not message.get("more_body"):
                break
        if self.wait_after_body:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(receive(), timeout=self.wait_after_body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def trickle(parts: list[tuple[float, bytes]]):
    """A client that sends each part after its delay, then stays connected."""
    remaining = list(parts)

    async def receive():
        if remaining:
            delay, body = remaining.pop(0)
            await asyncio.sleep(delay)
            return {"type": "http.request", "body": body, "more_body": bool(remaining)}
        await asyncio.Event().wait()

    return receive


async def run(app, receive) -> list[dict]:
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    await asyncio.wait_for(RequestBodyLimit(app)(SCOPE, receive, send), timeout=10)
    return sent


async def test_a_gap_in_the_body_longer_than_the_idle_timeout_answers_408(settings):
    settings.REQUEST_BODY_IDLE_TIMEOUT_S = 0.2
    app = App()
    sent = await run(app, trickle([(0, b"{"), (0.05, b'"a"'), (1.0, b": 1}")]))
    assert sent[0]["status"] == 408
    assert b"arrived too slowly" in sent[1]["body"]
    assert app.aborted and app.read == b'{"a"'


async def test_a_body_trickling_within_the_idle_timeout_meets_the_total_deadline(settings):
    settings.REQUEST_BODY_IDLE_TIMEOUT_S = 0.3
    settings.REQUEST_BODY_TIMEOUT_S = 0.5
    app = App()
    sent = await run(app, trickle([(0.1, b"x")] * 20))
    assert sent[0]["status"] == 408 and app.aborted
    assert 3 <= len(app.read) <= 6


async def test_a_steady_body_and_a_wait_after_it_are_served(settings):
    settings.REQUEST_BODY_IDLE_TIMEOUT_S = 0.2
    app = App(wait_after_body=0.5)  # longer than the idle timeout, after the body
    sent = await run(app, trickle([(0.05, b"x")] * 5))
    assert sent[0]["status"] == 200 and app.read == b"xxxxx"
    assert not app.aborted
