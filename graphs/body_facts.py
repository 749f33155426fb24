"""Reading facts out of stored graph bodies without loading them whole."""

from __future__ import annotations

from functools import lru_cache

import ijson

from graphs.models import Graph
from graphs.storage import open_body_json


@lru_cache(maxsize=16)
def _node_ids(body_key: str) -> frozenset[str]:
    # Bodies never change once stored, so the key alone identifies the answer.
    with open_body_json(body_key) as fh:
        return frozenset(ijson.items(fh, "nodes.item.node_id"))


def graph_node_ids(graph: Graph) -> frozenset[str]:
    """The node ids of a stored graph, streamed from its body (cached per body)."""
    return _node_ids(graph.body_key)
