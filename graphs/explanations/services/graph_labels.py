"""Explanations for the feature nodes of a graph: the derived set (graph_source.py) and the
default explanation of every feature node in one query. What the explorer labels nodes with when
a node's own `clerp` is empty, and what our generated graphs' clerps are filled from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphs.explanations.graph_nodes import feature_pair, read_body
from graphs.explanations.graph_source import DerivedSet, derive
from graphs.explanations.models import Explanation
from graphs.explanations.services.defaults import defaults_at
from graphs.models import Graph


@dataclass
class GraphExplanations:
    source: DerivedSet | None
    n_feature_nodes: int
    defaults: dict[tuple[int, int], Explanation] = field(default_factory=dict)


def for_graph(graph: Graph) -> GraphExplanations:
    metadata, pairs = read_body(graph.body_key)
    source = derive(metadata, pairs)
    if source is None:
        return GraphExplanations(None, len(pairs))
    fs = source.feature_set
    return GraphExplanations(source, len(pairs), defaults_at(fs.model_id, fs.source_set, pairs))


def fill_clerps(graph_json: dict[str, Any], model_id: str, source_set: str) -> int:
    """Write the default explanation into every feature node whose `clerp` is empty (in place);
    returns how many were filled. A node's own clerp is never replaced."""
    nodes = graph_json.get("nodes") or []
    version = (graph_json.get("metadata") or {}).get("schema_version")
    wanted: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for node in nodes:
        pair = feature_pair(node, version if isinstance(version, int) else None)
        if pair is not None and not str(node.get("clerp") or "").strip():
            wanted.setdefault(pair, []).append(node)
    if not wanted:
        return 0
    filled = 0
    for pair, explanation in defaults_at(model_id, source_set, wanted).items():
        for node in wanted[pair]:
            node["clerp"] = explanation.description
            filled += 1
    return filled
