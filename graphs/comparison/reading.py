"""Reading a stored graph body into a `GraphSummary`, streamed: only the fields a comparison uses
are kept, so memory grows with the number of nodes and links, never with the body's text."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from functools import lru_cache

import ijson

from graphs.comparison.summary import GraphSummary, LinkTable, node_facts
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
        summary.links = _links(ijson.items(fh, "links.item", use_float=True), index_of)
    return summary


def _links(links: Iterator[dict], index_of: dict[str, int]) -> LinkTable:
    # Appended straight into typed arrays: this loop runs once per link, a million times for a
    # graph near the upload limit, so it keeps no Python object per link.
    sources, targets, weights = array("i"), array("i"), array("d")
    find = index_of.get
    for link in links:
        source, target = find(link["source"]), find(link["target"])
        if source is not None and target is not None:
            sources.append(source)
            targets.append(target)
            weights.append(link["weight"])
    return LinkTable.from_arrays(sources, targets, weights)


def graph_summary(graph: Graph) -> GraphSummary:
    """The comparison's view of a stored graph (cached per body)."""
    return body_summary(graph.body_key)
