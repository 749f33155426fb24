"""Reading a stored graph body into a `GraphSummary`, streamed: only the fields a comparison uses
are kept, so memory grows with the number of nodes and links, never with the body's text."""

from __future__ import annotations

from functools import lru_cache

import ijson

from graphs.comparison.summary import GraphSummary, node_facts
from graphs.models import Graph
from graphs.storage import open_body_json

_NODE_FIELDS = ("node_id", "feature_type", "layer", "ctx_idx", "influence", "activation", "clerp")


def _metadata(body_key: str) -> dict:
    with open_body_json(body_key) as fh:
        for metadata in ijson.items(fh, "metadata", use_float=True):
            return metadata
    return {}


@lru_cache(maxsize=8)
def body_summary(body_key: str) -> GraphSummary:
    """The comparison's view of the stored body `body_key` (cached per body)."""
    # Bodies never change once stored, so the key alone identifies the answer.
    metadata = _metadata(body_key)
    info = metadata.get("info") or {}
    summary = GraphSummary(
        model_id=str(metadata.get("scan") or ""),
        transcoder_set=info.get("transcoder_set") or None,
        tokens=[str(t) for t in metadata.get("prompt_tokens") or []],
    )
    index_of: dict[str, int] = {}
    with open_body_json(body_key) as fh:
        for node in ijson.items(fh, "nodes.item", use_float=True):
            facts = node_facts({k: node.get(k) for k in _NODE_FIELDS})
            index_of[facts.node_id] = len(summary.nodes)
            summary.nodes.append(facts)
    with open_body_json(body_key) as fh:
        for link in ijson.items(fh, "links.item", use_float=True):
            source, target = index_of.get(link["source"]), index_of.get(link["target"])
            if source is not None and target is not None:
                summary.links[(source, target)] = float(link["weight"])
    return summary


def graph_summary(graph: Graph) -> GraphSummary:
    """The comparison's view of a stored graph (cached per body)."""
    return body_summary(graph.body_key)
