"""Where the tests find the repository, the reference material and the graph fixtures."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# `../shared` (reference material) is optional: tests that read it skip when it is absent.
SHARED_DIR = REPO_ROOT.parent / "shared"
# Graph documents of the upload, validation and compatibility tests.
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "graphs"
