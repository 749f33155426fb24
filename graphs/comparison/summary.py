"""What a comparison needs of one graph: its tokens and the identity of every node.

A node's identity is what it stands for independently of the prompt's positions: a transcoder
feature is (layer, feature index), read from its node id `{layer}_{index}_{ctx}` (Neuronpedia's
and our engine's convention; `feature` itself is a Cantor pairing in schema version 1); an error
node is its layer; an embedding or a logit is its token id."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

FEATURE, ERROR, EMBEDDING, LOGIT = "feature", "error", "embedding", "logit"
_KIND_OF_TYPE = {"mlp reconstruction error": ERROR, "embedding": EMBEDDING, "logit": LOGIT}

Identity = tuple[Any, ...]


@dataclass(frozen=True)
class NodeFacts:
    node_id: str
    kind: str
    identity: Identity
    ctx: int
    influence: float | None
    activation: float | None
    label: str  # the graph's own label (`clerp`), often empty

    @property
    def name(self) -> str:
        """The label, else what the node is ("L3 #223", "error L1", "token")."""
        return self.label or _default_label(self.kind, self.identity)


@dataclass(frozen=True)
class LinkTable:
    """A graph's links as three parallel arrays: 16 bytes a link, where a dict entry keyed by a
    tuple costs about 150, so a summary of a graph near the upload limit stays in tens of MB."""

    sources: np.ndarray  # int32 indices into the summary's nodes
    targets: np.ndarray  # int32
    weights: np.ndarray  # float64

    @classmethod
    def of(cls, links: Iterable[tuple[int, int, float]]) -> LinkTable:
        sources, targets, weights = array("i"), array("i"), array("d")
        for source, target, weight in links:
            sources.append(source)
            targets.append(target)
            weights.append(weight)
        return cls.from_arrays(sources, targets, weights)

    @classmethod
    def from_arrays(cls, sources: array, targets: array, weights: array) -> LinkTable:
        return cls(
            np.frombuffer(sources, dtype=np.intc).astype(np.int32, copy=False),
            np.frombuffer(targets, dtype=np.intc).astype(np.int32, copy=False),
            np.frombuffer(weights, dtype=np.float64),
        )

    def __len__(self) -> int:
        return len(self.weights)


@dataclass
class GraphSummary:
    model_id: str
    transcoder_set: str | None
    tokens: list[str]
    nodes: list[NodeFacts] = field(default_factory=list)
    links: LinkTable = field(default_factory=lambda: LinkTable.of(()))


def _id_parts(node_id: str) -> list[int] | None:
    parts = node_id.split("_")
    if len(parts) != 3:
        return None
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _default_label(kind: str, identity: Identity) -> str:
    if kind == FEATURE:
        return f"L{identity[1]} #{identity[2]}"
    if kind == ERROR:
        return f"error L{identity[1]}"
    return "token" if kind == EMBEDDING else "logit"


def node_facts(node: dict[str, Any]) -> NodeFacts:
    """The comparison's view of one node of the graph JSON."""
    node_id = str(node["node_id"])
    kind = _KIND_OF_TYPE.get(node.get("feature_type", ""), FEATURE)
    layer = str(node.get("layer", ""))
    parts = _id_parts(node_id)
    if kind == ERROR:
        identity: Identity = (ERROR, layer)
    elif kind in (EMBEDDING, LOGIT):
        # `E_{token}_{ctx}` and `{n_layers+1}_{token}_{ctx}`: the token id is the middle part.
        middle = node_id.split("_")[1] if node_id.count("_") == 2 else node_id
        identity = (kind, middle)
    elif parts is not None:
        identity = (FEATURE, parts[0], parts[1])
    else:
        identity = (FEATURE, layer, node.get("feature"))
    return NodeFacts(
        node_id=node_id,
        kind=kind,
        identity=identity,
        ctx=int(node.get("ctx_idx") or 0),
        influence=_number(node.get("influence")),
        activation=_number(node.get("activation")),
        label=str(node.get("clerp") or ""),
    )
