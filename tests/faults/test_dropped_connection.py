"""A pooled database connection that the server dropped (a PostgreSQL restart, a failover) is
replaced before its next use, not discovered by a failed query: what a long-lived process (a
Celery worker between jobs, a request thread) does between units of work is enough."""

from __future__ import annotations

import pytest
from django.db import connections

pytestmark = [pytest.mark.postgres]


def test_it_reconnects_after_the_server_dropped_the_connection(pg_proxy):
    # A second wrapper of the test database (under its alias), reached through the proxy.
    default = connections["default"]
    proxied = type(default)(
        {**default.settings_dict, "HOST": "127.0.0.1", "PORT": pg_proxy.port}, alias="default"
    )
    try:
        with proxied.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert pg_proxy.drop_connections() == 1
        proxied.close_if_unusable_or_obsolete()  # between jobs / requests (close_old_connections)
        with proxied.cursor() as cursor:
            cursor.execute("SELECT 2")
            assert cursor.fetchone() == (2,)
    finally:
        proxied.close()
