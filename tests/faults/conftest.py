"""Fixtures of the fault tests: proxies in front of the shared PostgreSQL and Redis, and the
generation fixtures (tiny model, Celery mode, real workers) of tests/generation."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

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
from tests.generation.workers import REDIS_URL, test_database_url


def through(url: str, proxy: TcpProxy) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    auth = netloc[0] + "@" if len(netloc) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{proxy.port}"))


@pytest.fixture
def pg_proxy(transactional_db) -> Iterator[TcpProxy]:
    url = urlsplit(test_database_url())
    with TcpProxy(url.hostname or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy


@pytest.fixture
def pg_proxy_url(pg_proxy) -> str:
    """The test database, reached through the proxy."""
    return through(test_database_url(), pg_proxy)


@pytest.fixture
def redis_proxy() -> Iterator[TcpProxy]:
    url = urlsplit(REDIS_URL)
    with TcpProxy(url.hostname or "127.0.0.1", url.port or 6379) as proxy:
        yield proxy
