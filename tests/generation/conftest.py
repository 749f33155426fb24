"""Fixtures of the generation tests. Personas (`owner`, `outsider`, `owner_api`, `outsider_api`)
come from tests/plugins/personas.py; the test registry, the word-level tokenizer and the two
dispatch modes (a broker no worker listens on; Celery with real workers) from
tests/plugins/generation.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_registry(fresh_registry):
    """Each test reads its own models file (tests/plugins/generation.py)."""
