"""Matching two graph summaries: features by (layer, index), nodes by identity at aligned
positions, edges by their two matched endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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
    # Edges are keyed by their two places as one int64 (source place * places + target place),
    # so a million links per side are matched and ranked in arrays, not in Python objects.
    place_ids: dict[PlaceKey, int] = {}
    ids_a = _place_ids(places_a, place_ids)
    ids_b = _place_ids(places_b, place_ids)
    count = max(len(place_ids), 1)
    keys_a = ids_a[a.links.sources] * count + ids_a[a.links.targets]
    keys_b = ids_b[b.links.sources] * count + ids_b[b.links.targets]
    keys, first, inverse = np.unique(
        np.concatenate([keys_a, keys_b]), return_index=True, return_inverse=True
    )
    weight_a = np.full(len(keys), np.nan)
    weight_b = np.full(len(keys), np.nan)
    weight_a[inverse[: len(keys_a)]] = a.links.weights
    weight_b[inverse[len(keys_a) :]] = b.links.weights
    change = np.abs(np.nan_to_num(weight_b) - np.nan_to_num(weight_a))
    # Largest change first; ties keep the order edges first appear in (A's links, then B's).
    ranked = np.lexsort((first, -change))[:limit]

    places = list(place_ids)
    node_a = dict(zip(places_a, a.nodes, strict=True))
    node_b = dict(zip(places_b, b.nodes, strict=True))
    edges = []
    for row in ranked.tolist():
        src, tgt = places[int(keys[row]) // count], places[int(keys[row]) % count]
        edges.append(
            EdgeChange(
                (node_a.get(src), node_b.get(src)),
                (node_a.get(tgt), node_b.get(tgt)),
                _weight(weight_a[row]),
                _weight(weight_b[row]),
            )
        )
    return edges


def _place_ids(places: list[PlaceKey], place_ids: dict[PlaceKey, int]) -> np.ndarray:
    ids = [place_ids.setdefault(place, len(place_ids)) for place in places]
    return np.asarray(ids, dtype=np.int64)


def _weight(value: np.floating) -> float | None:
    return None if np.isnan(value) else float(value)


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
