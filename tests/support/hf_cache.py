"""A fake Hugging Face cache, so that hub refs can be tested offline."""

from __future__ import annotations

import shutil
from pathlib import Path


def write_fake_hf_cache(
    cache_dir: str | Path, repo_id: str, source: str | Path, commit: str = "0" * 40
) -> Path:
    """Lay `source`'s files out as the Hugging Face cache holds a downloaded `repo_id`
    (models--owner--name/snapshots/<commit>/..., refs/main), for offline hub-ref tests."""
    repo_dir = Path(cache_dir) / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo_dir / "snapshots" / commit
    shutil.copytree(source, snapshot, dirs_exist_ok=True)
    (repo_dir / "refs").mkdir(parents=True, exist_ok=True)
    (repo_dir / "refs" / "main").write_text(commit)
    return snapshot
