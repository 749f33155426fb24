"""Fixtures of the security tests. The graph domain's personas, clients and `media_root` come
from tests/plugins/personas.py; the endpoint table is tests/security/endpoints.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(isolated_media):
    """Bodies in a per-test media directory, a fast hasher (tests/plugins/personas.py)."""
