"""The (layer, index) of a graph's feature nodes, from node dicts or a stored body (streamed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import ijson

from graphs.features.ids import cantor_unpair
from graphs.storage import open_body_json


def feature_pair(node: dict[str, Any], schema_version: int | None = None) -> tuple[int, int] | None:
    """(layer, index) of a transcoder feature node; None for errors, tokens and logits.

    The node id `{layer}_{index}_{ctx}` names both in every dialect of the format; a node with
    another id falls back to its `feature` (the Cantor pair of both with schema_version 1)."""
    if "transcoder" not in str(node.get("feature_type", "")):
        return None
    parts = str(node.get("node_id", "")).split("_")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    feature, layer = node.get("feature"), node.get("layer")
    if not isinstance(feature, int) or feature < 0:
        return None
    if schema_version == 1:
        return cantor_unpair(feature)
    try:
        return int(layer), feature
    except (TypeError, ValueError):
        return None


def feature_pairs(
    nodes: Iterable[dict[str, Any]], schema_version: int | None
) -> set[tuple[int, int]]:
    return {p for node in nodes if (p := feature_pair(node, schema_version)) is not None}


def read_body(body_key: str) -> tuple[dict[str, Any], set[tuple[int, int]]]:
    """A stored graph's metadata and feature pairs, streamed (a body can be 100 MB); two passes,
    as the format does not fix where `metadata` sits."""
    metadata: dict[str, Any] = {}
    with open_body_json(body_key) as body:
        for value in ijson.items(body, "metadata", use_float=True):
            metadata = value if isinstance(value, dict) else {}
            break
    version = metadata.get("schema_version")
    with open_body_json(body_key) as body:
        pairs = feature_pairs(_slim_nodes(body), version if isinstance(version, int) else None)
    return metadata, pairs


def _slim_nodes(body) -> Iterator[dict[str, Any]]:
    for node in ijson.items(body, "nodes.item", use_float=True):
        yield {k: node.get(k) for k in ("node_id", "feature", "layer", "feature_type")}
