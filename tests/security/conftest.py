"""Fixtures of the security tests: the graph domain's personas, clients and isolated media."""

from __future__ import annotations

from tests.graphs.conftest import (  # noqa: F401
    _isolated_media,
    api,
    cast,
    client_as,
    media_root,
    shared_graph,
)
