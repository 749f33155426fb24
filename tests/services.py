"""Where the tests' Redis is. `make test` exports TEST_REDIS_URL, a base URL (the machine's Redis,
the one REDIS_URL names, or a throwaway server: scripts/with_test_services.py); each test area
keeps its own db number on it, so areas never see each other's queues. A bare `pytest` uses the
local Redis on the default port."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"


def redis_url(db: int) -> str:
    """The test Redis, db number `db`."""
    base = urlsplit(os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL)
    if base.scheme == "unix":  # a socket path: the db goes in the query string
        query = [(k, v) for k, v in parse_qsl(base.query) if k != "db"] + [("db", str(db))]
        return urlunsplit(base._replace(query=urlencode(query)))
    return urlunsplit(base._replace(path=f"/{db}"))
