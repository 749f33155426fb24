"""Fixtures of the fault tests: proxies in front of the shared PostgreSQL and Redis, the shared
rig (tests/faults/rig.py), and the generation fixtures (tiny model, Celery mode, real workers) of
tests/generation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.rig import pg_target, rig, rigged, through  # noqa: F401  (fixtures)
from tests.faults.tcp_proxy import TcpProxy
from tests.generation.conftest import (  # noqa: F401  (fixtures shared with the generation tests)
    _fresh_registry,
    _isolated_media,
    celery_mode,
    no_worker,
    owner,
    start_worker,
    tiny_assets,
    tiny_models_file,
)
from tests.generation.workers import test_database_url


@pytest.fixture
def pg_proxy(transactional_db) -> Iterator[TcpProxy]:
    with TcpProxy(*pg_target()) as proxy:
        yield proxy


@pytest.fixture
def pg_proxy_url(pg_proxy) -> str:
    """The test database, reached through the proxy."""
    return through(test_database_url(), pg_proxy)
