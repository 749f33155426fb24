"""Shared test set-up: the fixture plugins every package may use (tests/plugins/), the reference
material, fresh rate-limit counters, and the `postgres` marker, which skips on SQLite.
`../shared` (reference material) is optional: tests that read it skip with a reason when it is
absent. Plain helpers shared by several packages are in tests/support/, imported explicitly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import SHARED_DIR

pytest_plugins = [
    "tests.plugins.personas",
    "tests.plugins.generation",
    "tests.plugins.browser",
    "tests.plugins.tiny_models",
]


def database_engine() -> str:
    """The configured database's engine (django.db.backends.sqlite3, ...postgresql); without
    Django settings, the scheme of DATABASE_URL (webapp/settings.py defaults to SQLite)."""
    from django.conf import settings

    if settings.configured:
        return settings.DATABASES["default"]["ENGINE"]
    return os.environ.get("DATABASE_URL", "sqlite://").split(":", 1)[0]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need PostgreSQL (row locks, several connections, a server to
    proxy): on SQLite (`make test-sqlite`, DATABASE_URL=sqlite:///...) they skip, with a reason."""
    engine = database_engine()
    if "sqlite" not in engine:
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL; the test database is SQLite ({engine})")
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.skip(f"reference material not found at {SHARED_DIR}")
    return SHARED_DIR


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
