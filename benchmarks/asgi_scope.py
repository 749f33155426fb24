"""The ASGI scope of a plain GET, for calling an ASGI application in this process with no server
in between (the handler-cost benchmark, the replayed-answer tests)."""

from __future__ import annotations

from typing import Any


def get_scope(
    path: str, headers: list[tuple[bytes, bytes]], server: tuple[str, int]
) -> dict[str, Any]:
    """An HTTP/1.1 GET of `path` (query string after `?`) from 127.0.0.1 to `server`."""
    raw_path, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": server,
    }
