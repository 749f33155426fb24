"""Write paths of the graph domain: one function per operation, one transaction each."""

from __future__ import annotations

from graphs.errors import GraphRejected, NotAllowed, ServiceError, StaleVersion
from graphs.services.graphs import delete_graph, update_graph
from graphs.services.subgraphs import (
    curate_subgraph,
    delete_subgraph,
    duplicate_subgraph,
    save_subgraph,
    set_subgraph_featured,
    update_subgraph,
)
from graphs.services.uploads import create_graph_from_document, create_graph_from_upload

__all__ = [
    "GraphRejected",
    "NotAllowed",
    "ServiceError",
    "StaleVersion",
    "create_graph_from_document",
    "create_graph_from_upload",
    "curate_subgraph",
    "delete_graph",
    "delete_subgraph",
    "duplicate_subgraph",
    "save_subgraph",
    "set_subgraph_featured",
    "update_graph",
    "update_subgraph",
]
