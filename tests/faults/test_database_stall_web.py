"""PostgreSQL stops answering (a stalled network: connections accepted, nothing comes back): a
request fails within the connect timeout with a 503 rather than hanging, and the server serves
again once the network flows, without a restart."""

from __future__ import annotations

import time

import pytest

from tests.faults.servers import fetch, web_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CONNECT_TIMEOUT_S = 2


def test_it_answers_503_in_seconds_while_the_database_hangs(pg_proxy, pg_proxy_url, tmp_path):
    env = {
        "DATABASE_URL": f"{pg_proxy_url}?connect_timeout={CONNECT_TIMEOUT_S}",
        "CIRCUITSCOPE_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    with web_server(env, tmp_path / "web.log") as base:
        assert fetch(base + "/api/graphs/").status == 200
        pg_proxy.pause()
        try:
            started = time.monotonic()
            # A list not asked for before: the answer cache cannot answer it.
            stalled = fetch(base + "/api/graphs/?model=never-listed", timeout=30)
            waited = time.monotonic() - started
        finally:
            pg_proxy.restore()
        assert stalled.status == 503, stalled.body[:300]
        assert "database" in stalled.json()["detail"] and stalled.headers["Retry-After"]
        assert waited < CONNECT_TIMEOUT_S + 5, waited
        assert fetch(base + "/api/graphs/").status == 200


def test_the_connect_timeout_is_bounded_by_default(monkeypatch):
    from tests.support.settings_env import load_settings

    s = load_settings(monkeypatch, DATABASE_URL="postgres://app@db.internal:5432/circuitscope")
    assert s["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 10
    s = load_settings(monkeypatch, DATABASE_URL="postgres://app@db.internal/cs?connect_timeout=3")
    assert s["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 3
    s = load_settings(monkeypatch, DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert "connect_timeout" not in s["DATABASES"]["default"].get("OPTIONS", {})
