"""Fixtures of the explanation tests: graph bodies in a per-test directory, a fast hasher, and
export files written as Neuronpedia writes them (tests/explanations/exports.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated(isolated_media) -> None:
    """Graph bodies in a per-test directory; a fast password hasher."""
