"""Fixtures of the graph-domain tests. The personas (`cast`, `api`, `client_as`, `shared_graph`)
come from tests/plugins/personas.py; their names and the visibilities from tests/support/."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(isolated_media):
    """Bodies in a per-test media directory, a fast hasher (tests/plugins/personas.py)."""
