"""Matching two graph summaries: features by (layer, index), nodes by identity at aligned
positions, edges by their two matched endpoints."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from graphs.comparison.alignment import align_positions
from graphs.comparison.summary import FEATURE, GraphSummary, Identity, NodeFacts

ONLY_A, ONLY_B, BOTH = "only_a", "only_b", "both"
STATUSES = (ONLY_A, ONLY_B, BOTH)

# A node's place in the comparison: its identity at a position of A's prompt. A position of B
# that faces nothing in A gets a key of its own, so it never matches.
PlaceKey = tuple[Identity, object]


@dataclass
class FeatureSide:
    """One feature in one graph: every position it occurs at."""

    nodes: list[NodeFacts] = field(default_factory=list)

    @property
    def influence(self) -> float | None:
        # Cumulative influence: the smallest is the node closest to the graph's core.
        values = [n.influence for n in self.nodes if n.influence is not None]
        return min(values) if values else None

    @property
    def activation(self) -> float | None:
        values = [n.activation for n in self.nodes if n.activation is not None]
        return max(values) if values else None


@dataclass
class FeatureMatch:
    layer: int | str
    index: int | str | None
    label: str
    a: FeatureSide | None
    b: FeatureSide | None

    @property
    def status(self) -> str:
        return BOTH if self.a and self.b else (ONLY_A if self.a else ONLY_B)

    @property
    def rank(self) -> float:
        values = [s.influence for s in (self.a, self.b) if s and s.influence is not None]
        return min(values) if values else float("inf")


@dataclass(frozen=True)
class EdgeChange:
    source: tuple[NodeFacts | None, NodeFacts | None]
    target: tuple[NodeFacts | None, NodeFacts | None]
    weight_a: float | None
    weight_b: float | None

    @property
    def change(self) -> float:
        return (self.weight_b or 0.0) - (self.weight_a or 0.0)


@dataclass
class Comparison:
    alignment: dict[int, int]
    features: list[FeatureMatch]
    node_pairs: list[tuple[str, str]]
    edges: list[EdgeChange]

    def node_status(self) -> tuple[dict[str, str], dict[str, str]]:
        """Each feature node's status, by node id, in A and in B."""
        in_a: dict[str, str] = {}
        in_b: dict[str, str] = {}
        for match in self.features:
            for side, out in ((match.a, in_a), (match.b, in_b)):
                for node in side.nodes if side else ():
                    out[node.node_id] = match.status
        return in_a, in_b

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for match in self.features:
            counts[match.status] += 1
        return counts


def _places(summary: GraphSummary, to_a: dict[int, int] | None) -> list[PlaceKey]:
    if to_a is None:
        return [(n.identity, n.ctx) for n in summary.nodes]
    return [(n.identity, to_a.get(n.ctx, ("unaligned", n.ctx))) for n in summary.nodes]


def _features(a: GraphSummary, b: GraphSummary) -> list[FeatureMatch]:
    matches: dict[Identity, FeatureMatch] = {}
    for side, summary in (("a", a), ("b", b)):
        for node in summary.nodes:
            if node.kind != FEATURE:
                continue
            _, layer, index = node.identity
            match = matches.setdefault(node.identity, FeatureMatch(layer, index, "", None, None))
            if getattr(match, side) is None:
                setattr(match, side, FeatureSide())
            getattr(match, side).nodes.append(node)
            match.label = match.label or node.label
    return sorted(matches.values(), key=lambda m: (m.rank, str(m.layer), str(m.index)))


def _edges(
    a: GraphSummary,
    b: GraphSummary,
    places_a: list[PlaceKey],
    places_b: list[PlaceKey],
    limit: int,
) -> list[EdgeChange]:
    node_a = dict(zip(places_a, a.nodes, strict=True))
    node_b = dict(zip(places_b, b.nodes, strict=True))
    weights: dict[tuple[PlaceKey, PlaceKey], list[float | None]] = {}
    for (s, t), w in a.links.items():
        weights[(places_a[s], places_a[t])] = [w, None]
    for (s, t), w in b.links.items():
        weights.setdefault((places_b[s], places_b[t]), [None, None])[1] = w

    def size(item: tuple[tuple[PlaceKey, PlaceKey], list[float | None]]) -> float:
        wa, wb = item[1]
        return abs((wb or 0.0) - (wa or 0.0))

    return [
        EdgeChange((node_a.get(src), node_b.get(src)), (node_a.get(tgt), node_b.get(tgt)), wa, wb)
        for (src, tgt), (wa, wb) in heapq.nlargest(limit, weights.items(), key=size)
    ]


def compare(a: GraphSummary, b: GraphSummary, *, edge_limit: int = 500) -> Comparison:
    alignment = align_positions(a.tokens, b.tokens)
    b_to_a = {pb: pa for pa, pb in alignment.items()}
    places_a, places_b = _places(a, None), _places(b, b_to_a)
    where_a = dict(zip(places_a, a.nodes, strict=True))
    node_pairs = [
        (where_a[place].node_id, node.node_id)
        for place, node in zip(places_b, b.nodes, strict=True)
        if place in where_a
    ]
    return Comparison(
        alignment=alignment,
        features=_features(a, b),
        node_pairs=node_pairs,
        edges=_edges(a, b, places_a, places_b, edge_limit),
    )
