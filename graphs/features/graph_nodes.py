"""The feature nodes of a stored graph body, read by streaming (a graph body can be 100 MB)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ijson

from graphs.features.upload_checks import node_feature_layers
from graphs.models import Graph
from graphs.storage import open_body_json


def _nodes(graph: Graph) -> Iterator[dict[str, Any]]:
    with open_body_json(graph.body_key) as body:
        # Only the three fields we need survive each item, so memory stays per-node.
        for node in ijson.items(body, "nodes.item"):
            yield {k: node.get(k) for k in ("feature", "layer", "feature_type")}


def schema_version(graph: Graph) -> int | None:
    with open_body_json(graph.body_key) as body:
        for value in ijson.items(body, "metadata.schema_version"):
            return int(value)
    return None


def feature_layers(graph: Graph) -> dict[int, set[int]]:
    """The graph's feature ids, each with the layers it occurs at."""
    return node_feature_layers(_nodes(graph))
