"""DATABASE_POOL_MAX_SIZE gives the ASGI web server a bounded psycopg pool instead of persistent
connections, which piled up one per request thread under uvicorn (44 idle connections to the
benchmark database with 50 users, benchmarks/load.py)."""

from __future__ import annotations

from tests.support.settings_env import load_settings

POSTGRES = "postgres://app@db.internal:5432/circuitscope"


def test_it_pools_postgresql_connections_when_asked(monkeypatch):
    s = load_settings(monkeypatch, DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE="6")
    db = s["DATABASES"]["default"]
    assert db["OPTIONS"]["pool"]["max_size"] == 6
    assert db["OPTIONS"]["pool"]["timeout"] == 10
    # Django refuses a pool together with persistent connections.
    assert db["CONN_MAX_AGE"] == 0


def test_it_keeps_persistent_connections_without_a_pool_by_default(monkeypatch):
    db = load_settings(monkeypatch, DATABASE_URL=POSTGRES)["DATABASES"]["default"]
    assert "pool" not in db.get("OPTIONS", {})
    assert db["CONN_MAX_AGE"] == 60


def test_it_never_pools_sqlite(monkeypatch, tmp_path):
    db = load_settings(
        monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DATABASE_POOL_MAX_SIZE="6"
    )["DATABASES"]["default"]
    assert "pool" not in db.get("OPTIONS", {})


def test_the_pool_package_is_installed():
    import psycopg_pool  # noqa: F401  (Django's pool option imports it at the first connection)
