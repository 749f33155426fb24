"""PostgreSQL refuses connections for a few seconds under a running web server: the server answers
a clear 503 meanwhile (JSON for the API, a page for HTML) and serves again afterwards, without a
restart."""

from __future__ import annotations

import pytest

from tests.faults.servers import fetch, web_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_it_answers_503_while_the_database_is_down_and_200_right_after(
    pg_proxy, pg_proxy_url, tmp_path
):
    env = {
        "DATABASE_URL": pg_proxy_url,
        "CIRCUITSCOPE_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    with web_server(env, tmp_path / "web.log") as base:
        for _ in range(3):  # pooled connections exist before the fault
            assert fetch(base + "/api/graphs/").status == 200
            assert fetch(base + "/").status == 200
        with pg_proxy.outage():
            # A list nobody asked for yet needs the database; the one asked for above is an
            # answer the cache keeps (graphs/answer_cache.py) and stays served.
            api = fetch(
                base + "/api/graphs/?model=never-listed", headers={"Accept": "application/json"}
            )
            cached = fetch(base + "/api/graphs/", headers={"Accept": "application/json"})
            page = fetch(base + "/", headers={"Accept": "text/html"})
            health = fetch(base + "/healthz/")
        # Back at once: every request after the outage, the very first included, is served.
        after = [fetch(base + "/api/graphs/").status for _ in range(4)] + [fetch(base + "/").status]
        assert api.status == 503, (api.body[:300], after)
        assert cached.status == 200
        assert api.headers["Content-Type"].startswith("application/json")
        assert "database" in api.json()["detail"]
        assert int(api.headers["Retry-After"]) > 0
        assert page.status == 503, page.body[:300]
        assert page.headers["Content-Type"].startswith("text/html")
        assert b"database" in page.body and b"Traceback" not in page.body
        assert int(page.headers["Retry-After"]) > 0
        assert health.status == 503
        assert after == [200] * 5, after
