"""Browser-test fixtures: one headless Chromium per test module (the system's /usr/bin/chromium, no
Playwright download), pages signed in as a persona, graphs stored through the platform's factories,
and screenshots into var/screenshots/."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from graphs.testing import build_graph_document
from tests.browser.asgi_server import asgi_server  # noqa: F401  (a fixture: ASGI + websockets)
from tests.factories import GraphFactory, UserFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FIXTURE = "the-opposite-of-20251026-175335.json"


@pytest.fixture(autouse=True)
def _browser_env(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def real_graph(shared_dir: Path) -> dict[str, Any]:
    return json.loads((shared_dir / "fixtures" / "neuronpedia-graphs" / FIXTURE).read_text())


@pytest.fixture
def synthetic_graph() -> dict[str, Any]:
    return build_graph_document(n_layers=3, features_per_layer_and_pos=3, slug="synthetic-explorer")


@pytest.fixture
def personas(db):
    return {
        "owner": UserFactory(username="owner"),
        "collaborator": UserFactory(username="collab"),
        "outsider": UserFactory(username="outsider"),
    }


@pytest.fixture
def store_graph(personas) -> Callable[..., Any]:
    def store(document: dict[str, Any], *, visibility: str = "private", collaborators=()) -> Any:
        graph = GraphFactory(
            owner=personas["owner"],
            document=document,
            slug=document["metadata"]["slug"],
            model_id=document["metadata"]["scan"],
            visibility=visibility,
        )
        for user in collaborators:
            graph.collaborators.create(user=user, role="viewer")
        return graph

    return store


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., Any]]:
    contexts = []

    def open_(
        path: str, user: Any = None, *, wait_ready: bool = True, viewport=(1500, 1000)
    ) -> Any:
        ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
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


def graph_path(graph: Any, query: str = "") -> str:
    return f"/graphs/{graph.pk}/{query}"
