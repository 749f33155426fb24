"""A real ASGI server (uvicorn, in a thread) over the test database, for browser tests that need
websockets: Django's live_server speaks WSGI only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tests.net import free_port


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
