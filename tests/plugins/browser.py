"""Browser fixtures, shared by the browser, security and web tests (registered in
tests/conftest.py): one headless Chromium per test module (the system's /usr/bin/chromium, no
Playwright download), pages of the live server signed in as a user, and a real ASGI server
(uvicorn, in a thread) over the test database for pages that need websockets: Django's
live_server speaks WSGI only."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.support.net import free_port

# Debian's Chromium, driven by Playwright (never `playwright install`).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NO_CHROMIUM = (
    f"no Chromium at {CHROMIUM}: install it (Debian, Ubuntu: apt-get install chromium) "
    "or set CHROMIUM_PATH"
)


def skip_without_chromium() -> None:
    # Skipped, never passed: `pytest -ra` lists each with this one-line reason.
    if not Path(CHROMIUM).exists():
        pytest.skip(NO_CHROMIUM)


@pytest.fixture(autouse=True)
def _browser_tests_need_chromium(request: pytest.FixtureRequest) -> None:
    """A test marked `browser` is skipped without Chromium even if it never opens the browser."""
    if request.node.get_closest_marker("browser") is not None:
        skip_without_chromium()


# Module scope, not session: Playwright's sync API runs an event loop in the main thread while it
# is up, and the rest of the suite (Channels, async_to_sync) needs that thread free afterwards.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    skip_without_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from it; the test bodies are plain synchronous code, so allow them
    # while the browser is up, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., Any]]:
    """Open a path of the live server, signed in as `user` when given; the page collects its
    errors and dialogs, and by default waits for the explorer to be ready.

    Pages are opened with the Content-Security-Policy bypassed, because Playwright's
    wait_for_function evaluates its predicate with eval, which our policy forbids; a test of the
    policy itself passes `enforce_csp=True` (and waits with page.evaluate). Tests that make their
    own context pass `bypass_csp=True` for the same reason."""
    contexts = []

    def open_(
        path: str,
        user: Any = None,
        *,
        wait_ready: bool = True,
        viewport=(1500, 1000),
        enforce_csp: bool = False,
    ) -> Any:
        ctx = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, bypass_csp=not enforce_csp
        )
        contexts.append(ctx)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"]
            ctx.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = ctx.new_page()
        page.errors = []
        page.dialogs = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(live_server.url + path)
        if wait_ready:
            page.wait_for_function("window.__explorer && window.__explorer.ready", timeout=20000)
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def asgi_server(transactional_db, settings) -> Iterator[str]:
    import uvicorn
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from webapp.asgi import application

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    app = ProtocolTypeRouter(
        {
            # Static files straight from the app directories, as live_server serves them.
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": application.application_mapping["websocket"],
        }
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
