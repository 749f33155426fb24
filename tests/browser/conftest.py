"""Browser-test fixtures: graphs stored through the platform's factories as the `personas`, the
reference and synthetic documents, and screenshots into var/screenshots/. Chromium (`browser`),
signed-in pages (`open_page`) and the ASGI server come from tests/plugins/browser.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graphs.testing import build_graph_document
from tests.factories import GraphFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
FIXTURE = "the-opposite-of-20251026-175335.json"


@pytest.fixture(autouse=True)
def _browser_env(isolated_media):
    """Bodies in a per-test media directory, a fast hasher (tests/plugins/personas.py)."""


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
