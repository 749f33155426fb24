"""Fixtures of the fault tests: proxies in front of the shared PostgreSQL and Redis, and the shared
rig (tests/faults/rig.py). The generation fixtures (tiny model, Celery mode, real workers, the
`owner`) come from tests/plugins/, as for the generation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.rig import pg_target, rig, rigged, through  # noqa: F401  (fixtures)
from tests.faults.tcp_proxy import TcpProxy
from tests.support.workers import test_database_url


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_registry(fresh_registry):
    """Each test reads its own models file (tests/plugins/generation.py)."""


@pytest.fixture
def pg_proxy(transactional_db) -> Iterator[TcpProxy]:
    with TcpProxy(*pg_target()) as proxy:
        yield proxy


@pytest.fixture
def pg_proxy_url(pg_proxy) -> str:
    """The test database, reached through the proxy."""
    return through(test_database_url(), pg_proxy)
