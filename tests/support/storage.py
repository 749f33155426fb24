"""What the tests see of stored graph bodies (the per-test MEDIA_ROOT of the `isolated_media`
fixture, tests/plugins/personas.py)."""

from __future__ import annotations

from pathlib import Path


def stored_bodies(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*.json.gz")]
