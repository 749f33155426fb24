"""The short-prompt paths give the graph of the general paths.

Short prompts keep their rows in the trimmed store (each row cut after its last reachable
feature), make row calls sized under malloc's mmap threshold, and normalise the block once for
all of pruning's passes. Each is compared here with the path long prompts take: the
causal-region store, calls of every row at once, and normalisation a chunk at a time."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import attribute, influence, prune_graph, rows, rowstore_trimmed
from inference_worker.engine.rowstore import RowLayout, RowStore
from inference_worker.engine.rowstore_trimmed import TrimmedRowStore, row_store

TOKENS = torch.tensor([1] + [(5 * i) % 50 + 4 for i in range(1, 24)])


def _graph(rm, monkeypatch, *, trimmed=True, call_rows=None, whole_norm=True, **settings):
    with monkeypatch.context() as m:
        m.setattr(rowstore_trimmed, "SMALL_BUDGET", 1 << 40 if trimmed else 0)
        if call_rows is not None:  # calls of exactly this many rows (a row is > 1 byte wide)
            m.setattr(rows, "THRESHOLD", 1)
            m.setattr(rows, "MIN_ROWS_PER_CALL", call_rows)
        m.setattr(influence, "WHOLE_BUDGET", 1 << 40 if whole_norm else 0)
        result = attribute(rm, TOKENS, **settings)
        return result, prune_graph(result, node_threshold=0.8, edge_threshold=0.98)


def _assert_same_graph(new, new_pruned, ref, ref_pruned, tol: float) -> None:
    assert torch.equal(new.selected_features, ref.selected_features)
    assert torch.equal(new.logit_tokens, ref.logit_tokens)
    assert (new.block - ref.block).abs().max() <= tol * ref.block.abs().max()
    assert torch.equal(new_pruned.node_mask, ref_pruned.node_mask)
    assert torch.equal(new_pruned.edge_mask, ref_pruned.edge_mask)
    assert 0 < int(new_pruned.node_mask.sum()) < new.n_nodes


@pytest.mark.parametrize("kind,cap", [("plt", None), ("gemmascope", 30), ("clt", 25)])
def test_trimmed_rows_give_the_causal_region_graph(replacement_models, monkeypatch, kind, cap):
    rm = replacement_models("gemma2", kind)  # float64: differences are rounding only
    ref, ref_pruned = _graph(rm, monkeypatch, trimmed=False, max_feature_nodes=cap, batch_size=8)
    new, new_pruned = _graph(rm, monkeypatch, trimmed=True, max_feature_nodes=cap, batch_size=8)
    assert new.meta["n_active_features"] > 100
    _assert_same_graph(new, new_pruned, ref, ref_pruned, 1e-12)


def test_row_calls_of_a_few_rows_give_the_one_call_graph(replacement_models, monkeypatch):
    rm = replacement_models("gemma2", "plt")
    ref, ref_pruned = _graph(rm, monkeypatch, call_rows=1 << 20, max_feature_nodes=40)
    new, new_pruned = _graph(rm, monkeypatch, call_rows=3, max_feature_nodes=40)
    _assert_same_graph(new, new_pruned, ref, ref_pruned, 1e-12)


def test_normalising_once_changes_no_bit_of_the_pruning(replacement_models, monkeypatch):
    rm = replacement_models("gemma2", "clt", "float32")
    result, chunked = _graph(rm, monkeypatch, whole_norm=False, max_feature_nodes=30)
    with monkeypatch.context() as m:
        m.setattr(influence, "WHOLE_BUDGET", 1 << 40)
        m.setattr(influence, "CHUNK_ELEMENTS", 1 << 22)
        once = prune_graph(result, node_threshold=0.8, edge_threshold=0.98)
    assert torch.equal(once.node_mask, chunked.node_mask)
    assert torch.equal(once.edge_mask, chunked.edge_mask)
    assert torch.equal(once.cumulative_share, chunked.cumulative_share)


def test_small_graphs_keep_fewer_values_than_whole_rows(replacement_models, monkeypatch):
    rm = replacement_models("gemma2", "plt")
    result, _ = _graph(rm, monkeypatch, max_feature_nodes=None)
    k = result.meta["n_active_features"]
    n_slots = k + result.n_logits
    n_cols = k + (result.n_layers + 1) * result.n_pos
    assert 0 < result.meta["stored_entries"] < 0.75 * n_slots * n_cols


def test_the_store_is_chosen_by_the_size_of_whole_rows():
    active = torch.tensor([[0, 1, 0], [1, 1, 2], [1, 2, 0]])
    layout = RowLayout(3, 3 + 3 * 4, active, 2, 4, torch.device("cpu"), torch.float32)
    assert isinstance(row_store(layout), TrimmedRowStore)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(rowstore_trimmed, "SMALL_BUDGET", 3 * 15 * 4 - 1)
        assert isinstance(row_store(layout), RowStore)
