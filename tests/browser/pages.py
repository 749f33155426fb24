"""Addresses of the explorer pages the browser tests open."""

from __future__ import annotations

from typing import Any


def graph_path(graph: Any, query: str = "") -> str:
    return f"/graphs/{graph.pk}/{query}"
