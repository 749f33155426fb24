"""Where the tests find the repository, the reference material and the graph fixtures."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# `../shared` (reference material) is optional: tests that read it skip when it is absent.
# CIRCUITSCOPE_SHARED_DIR names it for a checkout that lives elsewhere (a git worktree), so those
# tests run there instead of skipping.
SHARED_DIR = Path(os.environ.get("CIRCUITSCOPE_SHARED_DIR") or REPO_ROOT.parent / "shared")
# Graph documents of the upload, validation and compatibility tests.
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "graphs"
