"""Shared test set-up. `../shared` (reference material) is optional: tests that read it skip
with a reason when it is absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tiny_models import replacement_models, tiny_dirs  # noqa: F401  (shared fixtures)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
# Debian's Chromium, driven by Playwright (never `playwright install`).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NO_CHROMIUM = (
    f"no Chromium at {CHROMIUM}: install it (Debian, Ubuntu: apt-get install chromium) "
    "or set CHROMIUM_PATH"
)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"reference material not found at {SHARED_DIR}")
    return SHARED_DIR


def skip_without_chromium() -> None:
    # Skipped, never passed: `pytest -ra` lists each with this one-line reason.
    if not Path(CHROMIUM).exists():
        pytest.skip(NO_CHROMIUM)


@pytest.fixture(autouse=True)
def _browser_tests_need_chromium(request: pytest.FixtureRequest) -> None:
    """A test marked `browser` is skipped without Chromium even if it never opens the browser."""
    if request.node.get_closest_marker("browser") is not None:
        skip_without_chromium()


# Module scope, not session: Playwright's sync API runs an event loop in the main thread while it
# is up, and the rest of the suite (Channels, async_to_sync) needs that thread free afterwards.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    skip_without_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from it; the test bodies are plain synchronous code, so allow them
    # while the browser is up, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counts() -> Iterator[None]:
    """Rate-limit counters (webapp/ratelimit.py) live in the cache, which outlives a test: start
    each test at zero. Only the local-memory cache is cleared; a Redis cache is shared."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    default = caches["default"]
    if isinstance(default, LocMemCache):
        default.clear()
    yield
