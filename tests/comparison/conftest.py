"""Fixtures of the comparison tests: the graph domain's personas and per-test graph storage."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(isolated_media):
    """Bodies in a per-test media directory, a fast hasher (tests/plugins/personas.py)."""
