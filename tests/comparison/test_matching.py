"""The matching rules on hand-built graphs: positions aligned by shared tokens and from the end of
differing stretches, features matched by (layer, index), edges by their matched endpoints."""

from __future__ import annotations

import random

from graphs.comparison.alignment import align_positions
from graphs.comparison.matching import BOTH, ONLY_A, ONLY_B, compare
from graphs.comparison.summary import GraphSummary, LinkTable, node_facts


def _summary(tokens, nodes, links=()):
    summary = GraphSummary(model_id="m", transcoder_set=None, tokens=list(tokens))
    summary.nodes = [node_facts(n) for n in nodes]
    index = {n.node_id: i for i, n in enumerate(summary.nodes)}
    summary.links = LinkTable.of((index[s], index[t], w) for s, t, w in links)
    return summary


def _feature(layer, index, ctx, influence=0.5, activation=1.0, clerp=""):
    return {
        "node_id": f"{layer}_{index}_{ctx}",
        "feature_type": "cross layer transcoder",
        "layer": str(layer),
        "ctx_idx": ctx,
        "influence": influence,
        "activation": activation,
        "clerp": clerp,
    }


def _embedding(token_id, ctx):
    return {
        "node_id": f"E_{token_id}_{ctx}",
        "feature_type": "embedding",
        "layer": "E",
        "ctx_idx": ctx,
    }


def _logit(token_id, ctx, layer=3):
    return {
        "node_id": f"{layer}_{token_id}_{ctx}",
        "feature_type": "logit",
        "layer": str(layer),
        "ctx_idx": ctx,
    }


def _error(layer, ctx):
    return {
        "node_id": f"{layer}_999_{ctx}",
        "feature_type": "mlp reconstruction error",
        "layer": str(layer),
        "ctx_idx": ctx,
    }


DALLAS = ["<bos>", "The", " capital", " of", " state", " containing", " Dallas", " is"]
SEATTLE = [*DALLAS[:6], " Seattle", " is"]


def test_shared_tokens_align_one_to_one_and_a_replaced_token_faces_its_replacement():
    assert align_positions(DALLAS, SEATTLE) == {i: i for i in range(8)}


def test_a_longer_replacement_is_aligned_from_its_end():
    longer = [*DALLAS[:6], " San", " Antonio", " is"]
    aligned = align_positions(DALLAS, longer)
    assert aligned[6] == 7  # " Dallas" faces " Antonio", the end of the stretch that replaced it
    assert aligned[7] == 8 and aligned[5] == 5
    assert 6 not in aligned.values()  # " San" faces nothing


def test_unrelated_prompts_align_from_the_end():
    assert align_positions(["a", "b", "c"], ["x", "y"]) == {2: 1, 1: 0}


def test_a_token_shared_in_the_middle_does_not_pull_the_ends_apart():
    # " of" occurs in both, at different distances from the end: the last tokens still face.
    a = ["<bos>", "The", " capital", " of", " Texas", " is"]
    b = ["<bos>", "Fact", ":", " the", " sport", " of"]
    assert align_positions(a, b) == {0: 0, 5: 5, 4: 4, 3: 3, 2: 2, 1: 1}


def test_features_are_matched_by_layer_and_index_and_classified():
    a = _summary(DALLAS, [_feature(1, 10, 6, 0.2, 3.0, "Texas"), _feature(2, 20, 7, 0.4)])
    b = _summary(
        SEATTLE, [_feature(1, 11, 6, 0.3, clerp="Washington"), _feature(2, 20, 7, 0.1, 5.0)]
    )
    result = compare(a, b)
    by_key = {(m.layer, m.index): m for m in result.features}
    assert by_key[(1, 10)].status == ONLY_A and by_key[(1, 10)].label == "Texas"
    assert by_key[(1, 11)].status == ONLY_B and by_key[(1, 11)].label == "Washington"
    shared = by_key[(2, 20)]
    assert shared.status == BOTH
    assert (shared.a.influence, shared.b.influence) == (0.4, 0.1)
    assert (shared.a.activation, shared.b.activation) == (1.0, 5.0)
    assert result.counts() == {ONLY_A: 1, ONLY_B: 1, BOTH: 1}
    assert result.node_status() == (
        {"1_10_6": ONLY_A, "2_20_7": BOTH},
        {"1_11_6": ONLY_B, "2_20_7": BOTH},
    )
    # Most central first: the smallest cumulative influence in either graph.
    assert [(m.layer, m.index) for m in result.features] == [(2, 20), (1, 10), (1, 11)]


def test_one_feature_at_several_positions_keeps_every_position():
    a = _summary(DALLAS, [_feature(1, 10, 3, 0.6, 1.0), _feature(1, 10, 6, 0.2, 2.0)])
    b = _summary(SEATTLE, [])
    (match,) = compare(a, b).features
    assert [n.ctx for n in match.a.nodes] == [3, 6]
    assert (match.a.influence, match.a.activation) == (0.2, 2.0)


def test_nodes_pair_only_at_aligned_positions_and_tokens_by_token_id():
    a = _summary(
        DALLAS,
        [_feature(1, 10, 7), _embedding(500, 6), _embedding(4, 7), _logit(77, 7), _error(1, 7)],
    )
    longer = [*DALLAS[:6], " San", " Antonio", " is"]
    b = _summary(
        longer,
        [
            _feature(1, 10, 8),
            _feature(1, 10, 6),
            _embedding(501, 7),
            _embedding(4, 8),
            _logit(77, 8),
            _error(1, 8),
        ],
    )
    pairs = set(compare(a, b).node_pairs)
    assert pairs == {
        ("1_10_7", "1_10_8"),  # the same feature on " is", the last token of both
        ("E_4_7", "E_4_8"),
        ("3_77_7", "3_77_8"),
        ("1_999_7", "1_999_8"),
    }  # " Dallas" (500) and " Antonio" (501) face each other but are different tokens


def test_edges_are_ranked_by_how_much_their_weight_changed():
    nodes_a = [_embedding(4, 7), _feature(1, 10, 7), _feature(1, 12, 7), _logit(77, 7)]
    nodes_b = [_embedding(4, 7), _feature(1, 10, 7), _feature(1, 13, 7), _logit(77, 7)]
    a = _summary(
        DALLAS,
        nodes_a,
        [("E_4_7", "1_10_7", 1.0), ("1_10_7", "3_77_7", 2.0), ("1_12_7", "3_77_7", 0.5)],
    )
    b = _summary(
        SEATTLE,
        nodes_b,
        [("E_4_7", "1_10_7", 1.1), ("1_10_7", "3_77_7", -1.0), ("1_13_7", "3_77_7", 0.7)],
    )
    edges = compare(a, b).edges
    described = [
        (
            (e.source[0] or e.source[1]).node_id,
            (e.target[0] or e.target[1]).node_id,
            e.weight_a,
            e.weight_b,
        )
        for e in edges
    ]
    assert described[0] == ("1_10_7", "3_77_7", 2.0, -1.0)  # changed by -3
    assert described[1] == ("1_13_7", "3_77_7", None, 0.7)
    assert described[2] == ("1_12_7", "3_77_7", 0.5, None)
    assert abs(edges[3].change - 0.1) < 1e-9
    assert edges[1].source == (None, b.nodes[2])  # only B has that endpoint
    assert len(compare(a, b, edge_limit=2).edges) == 2


def _edge_ranking_by_dicts(a, b, limit):
    """The ranking rule spelled out on Python dicts: |B - A| (a missing weight counts 0), largest
    first, ties in the order the edges first appear (A's links, then B's)."""
    places_a = {i: (n.identity, n.ctx) for i, n in enumerate(a.nodes)}
    places_b = {i: (n.identity, n.ctx) for i, n in enumerate(b.nodes)}
    weights: dict = {}
    for s, t, w in zip(a.links.sources, a.links.targets, a.links.weights, strict=True):
        weights[(places_a[int(s)], places_a[int(t)])] = [float(w), None]
    for s, t, w in zip(b.links.sources, b.links.targets, b.links.weights, strict=True):
        weights.setdefault((places_b[int(s)], places_b[int(t)]), [None, None])[1] = float(w)
    ranked = sorted(weights.items(), key=lambda kv: -abs((kv[1][1] or 0.0) - (kv[1][0] or 0.0)))
    return [(src[0], tgt[0], wa, wb) for (src, tgt), (wa, wb) in ranked[:limit]]


def test_edge_ranking_on_many_links_with_ties_follows_the_rule():
    rng = random.Random(7)
    nodes = [_feature(layer, index, 1) for layer in range(4) for index in range(6)]
    pairs = [(s, t) for s in range(len(nodes)) for t in range(len(nodes)) if s != t]

    def links():
        # Weights from a few values, so many edges tie on their change.
        return [
            (nodes[s]["node_id"], nodes[t]["node_id"], rng.choice([-1.0, -0.5, 0.25, 0.5, 1.0]))
            for s, t in rng.sample(pairs, 300)
        ]

    a = _summary(DALLAS, nodes, links())
    b = _summary(DALLAS, nodes, links())
    edges = compare(a, b, edge_limit=120).edges
    got = [
        (
            e.source[0].identity if e.source[0] else e.source[1].identity,
            e.target[0].identity if e.target[0] else e.target[1].identity,
            e.weight_a,
            e.weight_b,
        )
        for e in edges
    ]
    assert got == _edge_ranking_by_dicts(a, b, 120)
