"""Pruning and scores on the row block equal the plain dense definitions (circuit-tracer's)."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import attribute, graph_scores, prune_graph


def _normalize(a):
    a = a.abs()
    return a / a.sum(1, keepdim=True).clamp(min=1e-10)


def _influence(a, w):
    cur = w @ a
    total = cur.clone()
    while cur.any():
        cur = cur @ a
        total += cur
    return total


def _threshold(scores, t):
    s = torch.sort(scores, descending=True).values
    c = torch.cumsum(s, 0) / s.sum()
    return s[min(int(torch.searchsorted(c, t)), len(c) - 1)]


def _dense_prune(A, w, n_tok, n_log, m, nt, et):
    infl = _influence(_normalize(A), w)
    node = infl >= _threshold(infl, nt)
    node[-n_log - n_tok :] = True
    P = A.clone()
    P[~node] = 0
    P[:, ~node] = 0
    norm = _normalize(P)
    edge_scores = norm * (_influence(norm, w) + w)[:, None]
    edge = edge_scores >= _threshold(edge_scores.flatten(), et)
    while True:
        old = node.clone()
        edge[~node] = False
        edge[:, ~node] = False
        node[: -n_log - n_tok] &= edge[:, : -n_log - n_tok].any(0)
        node[:m] &= edge[:m].any(1)
        if torch.equal(node, old):
            return node, edge, infl


@pytest.mark.parametrize("kind,cap", [("plt", None), ("plt-skip", 30), ("clt", 45)])
def test_block_pruning_equals_the_dense_definition(replacement_models, kind, cap):
    rm = replacement_models("llama", kind, "float32")
    result = attribute(
        rm,
        "the capital of Texas is Austin and the capital of France is",
        batch_size=16,
        max_feature_nodes=cap,
    )
    A = result.dense_adjacency()
    w = torch.zeros(result.n_nodes)
    w[-result.n_logits :] = result.logit_probabilities
    for nt, et in ((0.8, 0.98), (0.5, 0.9)):
        node, edge, infl = _dense_prune(
            A, w, result.n_pos, result.n_logits, result.n_features, nt, et
        )
        pruned = prune_graph(result, node_threshold=nt, edge_threshold=et)
        assert torch.equal(pruned.node_mask, node)
        assert torch.equal(pruned.dense_edge_mask(result), edge)
        assert 0 < int(node.sum()) < result.n_nodes  # pruning actually pruned
    # Scores, from the dense definitions.
    norm = _normalize(A)
    m, L, P = result.n_features, result.n_layers, result.n_pos
    replacement = infl[m + L * P : m + (L + 1) * P].sum() / infl[m : m + (L + 1) * P].sum()
    out = infl + w
    completeness = ((1 - norm[:, m : m + L * P].sum(-1)) * out).sum() / out.sum()
    got = graph_scores(result)
    assert got == pytest.approx((float(replacement), float(completeness)), rel=1e-5)
    assert 0 < got[0] < 1 and 0 < got[1] < 1


def test_capped_attribution_visits_features_by_estimated_influence(replacement_models):
    rm = replacement_models("gemma2", "plt", "float32")
    full = attribute(rm, "the capital of France is", batch_size=8)
    capped = attribute(rm, "the capital of France is", batch_size=8, max_feature_nodes=16)
    assert capped.n_features == 16 < full.n_features
    # Rows are the same direct effects whichever features were visited.
    cols = torch.cat([capped.selected_features, torch.arange(full.n_features, full.block.shape[1])])
    full_rows = full.block[capped.selected_features][:, cols]
    torch.testing.assert_close(capped.block[:16], full_rows, rtol=1e-5, atol=1e-6)
    # The first queue is ranked by direct influence on the logits: the strongest feature of the
    # logit rows is always selected.
    logit_rows = full.block[-full.n_logits :, : full.n_features].abs()
    weights = (
        full.logit_probabilities[:, None]
        * logit_rows
        / full.block[-full.n_logits :].abs().sum(1, keepdim=True)
    )
    assert int(weights.sum(0).argmax()) in capped.selected_features.tolist()
