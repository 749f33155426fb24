"""Fixtures of the collaboration tests. The personas (`cast`, `api`, `client_as`, `shared_graph`)
come from tests/plugins/personas.py, as for the graph-domain tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(isolated_media):
    """Bodies in a per-test media directory, a fast hasher (tests/plugins/personas.py)."""
