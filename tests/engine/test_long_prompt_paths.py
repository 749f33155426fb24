"""The long-prompt paths give the graph of the whole-matrix computation.

Blockwise attention (patterns in query blocks, local windows honoured), row regions streamed to
disk and pruning through masks with the in-place threshold sort are compared with
TransformerLens's whole-pattern attention, whole (trimmed) rows in memory and a torch sort."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import (
    attribute,
    blockwise_attention,
    prune_graph,
    rowstore,
    rowstore_trimmed,
)
from inference_worker.engine import pruning as pruning_module
from inference_worker.engine.replacement import ReplacementModel

TOKENS = torch.tensor([1] + [(7 * i) % 50 + 4 for i in range(1, 40)])  # 40 tokens, window 4


def _graph(rm, blockwise: bool, ram_budget: int, monkeypatch, whole_rows=False, **settings):
    with monkeypatch.context() as m:
        m.setattr(ReplacementModel, "blockwise_attention", blockwise)
        m.setattr(rowstore, "RAM_BUDGET", ram_budget)
        m.setattr(rowstore_trimmed, "SMALL_BUDGET", 1 << 40 if whole_rows else 0)
        # a few queries per block, so the blocks, their key ranges and windows all matter
        m.setattr(blockwise_attention, "BLOCK_ELEMENTS", 4 * 7 * 16)
        result = attribute(rm, TOKENS, batch_size=8, **settings)
    return result, prune_graph(result, node_threshold=0.8, edge_threshold=0.98)


@pytest.mark.parametrize("kind,cap", [("plt", None), ("gemmascope", 30), ("clt", 25)])
def test_blockwise_and_spilled_graph_equals_the_whole_matrix_one(
    replacement_models, monkeypatch, kind, cap
):
    rm = replacement_models("gemma2", kind)  # float64: differences are rounding only
    dense, dense_pruned = _graph(
        rm, False, 1 << 40, monkeypatch, whole_rows=True, max_feature_nodes=cap
    )
    new, new_pruned = _graph(rm, True, 0, monkeypatch, max_feature_nodes=cap)
    assert new.meta["n_active_features"] == dense.meta["n_active_features"] > 100
    assert torch.equal(new.active_features, dense.active_features)
    assert torch.equal(new.selected_features, dense.selected_features)
    assert torch.equal(new.logit_tokens, dense.logit_tokens)
    scale = dense.block.abs().max()
    assert (new.block - dense.block).abs().max() <= 1e-12 * scale
    assert torch.equal(new_pruned.node_mask, dense_pruned.node_mask)
    assert torch.equal(new_pruned.edge_mask, dense_pruned.edge_mask)
    assert 0 < int(new_pruned.node_mask.sum()) < new.n_nodes


def test_spilling_rows_to_disk_changes_no_bit(replacement_models, monkeypatch):
    rm = replacement_models("gemma2", "plt", "float32")
    in_memory, _ = _graph(rm, True, 1 << 40, monkeypatch, max_feature_nodes=20)
    spilled, _ = _graph(rm, True, 0, monkeypatch, max_feature_nodes=20)
    assert torch.equal(spilled.selected_features, in_memory.selected_features)
    assert torch.equal(spilled.block, in_memory.block)


def test_blockwise_attention_matches_transformer_lens_values(replacement_models, monkeypatch):
    """The clean forward pass: the same logits with attention in blocks as whole."""
    rm = replacement_models("gemma2", "plt")
    calls = []
    mix = blockwise_attention.mix
    monkeypatch.setattr(blockwise_attention, "mix", lambda *a: calls.append(1) or mix(*a))
    monkeypatch.setattr(blockwise_attention, "BLOCK_ELEMENTS", 4 * 7 * 16)
    whole = rm.model(TOKENS[None])
    assert not calls  # outside attribution the model keeps its own attention
    state = rm.forward_state(TOKENS)
    assert len(calls) == 2 * rm.cfg.n_layers  # the clean pass and the frozen one
    torch.testing.assert_close(state.logits, whole[0, -1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("chunk", [3, 1 << 22])
def test_threshold_equals_a_full_sort_and_cumsum(monkeypatch, chunk):
    monkeypatch.setattr(pruning_module, "CUMSUM_CHUNK", chunk)
    gen = torch.Generator().manual_seed(0)
    scores = torch.rand(5000, generator=gen) ** 6 + 1e-9
    for threshold in (0.0, 0.5, 0.8, 0.98, 0.999999, 1.0):
        ordered = torch.sort(scores, descending=True).values
        cumulative = torch.cumsum(ordered, dim=0) / torch.sum(ordered)
        index = int(torch.searchsorted(cumulative, threshold))
        expected = float(ordered[index]) if index < len(ordered) else 0.0
        assert pruning_module.find_threshold(scores.clone(), threshold) == expected


def test_recomputed_patterns_give_the_kept_ones_graph(replacement_models, monkeypatch):
    """Past the pattern budget, backward passes recompute pattern blocks from the log-sum-exp."""
    rm = replacement_models("gemma2", "plt")
    kept, _ = _graph(rm, True, 1 << 40, monkeypatch, max_feature_nodes=30)
    monkeypatch.setattr(blockwise_attention, "PATTERN_BUDGET", 0)
    recomputed, _ = _graph(rm, True, 1 << 40, monkeypatch, max_feature_nodes=30)
    assert torch.equal(recomputed.selected_features, kept.selected_features)
    assert (recomputed.block - kept.block).abs().max() <= 1e-12 * kept.block.abs().max()
