"""Custom attribution targets against circuit-tracer 0.5.0, on the committed reference cases.

tests/fixtures/reference/targets/ holds what circuit-tracer computed with `attribution_targets`
(token strings, token ids, its logit-difference CustomTarget, random CustomTarget directions,
with per-layer, GemmaScope and cross-layer transcoders, one capped case) from the model and
transcoder files of tests/fixtures/reference/ (scripts/make_target_reference_fixtures.py). The
engine, asked for the same targets, must give the same targets (ids, weights, labels), the same
features and every row within 1e-4 relative error, the same pruning and scores.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file

from inference_worker.engine import (
    ReplacementModel,
    attribute,
    graph_scores,
    load_model,
    load_transcoders,
    prune_graph,
    save_raw,
)
from inference_worker.engine.targets import CustomTarget, LogitDiff

REFERENCE = Path(__file__).resolve().parent.parent / "fixtures" / "reference"
TARGETS = REFERENCE / "targets"
CASES = sorted(p.parent.name for p in TARGETS.glob("*/meta.json"))
ROW_RTOL = 1e-4


def _spec(meta: dict, ref: dict[str, np.ndarray]):
    spec = meta["engine_targets"]
    if "targets" in spec:
        return spec["targets"]
    if "logit_diff" in spec:
        return LogitDiff(*spec["logit_diff"])
    return [
        CustomTarget(label, float(weight), torch.from_numpy(vector))
        for label, weight, vector in zip(
            meta["labels"], ref["target_weights"], ref["target_vectors"], strict=True
        )
    ]


def test_the_cases_cover_every_kind_of_target_and_transcoder():
    metas = [json.loads((TARGETS / name / "meta.json").read_text()) for name in CASES]
    assert {m["kind"] for m in metas} >= {"strings", "ids", "logit_diff", "vectors"}
    assert {m["base"] for m in metas} >= {"gemma2_plt_jumprelu", "gemma2_clt", "gemma2_gemmascope"}
    assert any(m["settings"]["max_feature_nodes"] for m in metas)


@pytest.mark.parametrize("name", CASES)
def test_it_matches_circuit_tracer_on_the_same_targets(name, tmp_path):
    meta = json.loads((TARGETS / name / "meta.json").read_text())
    ref = load_file(str(TARGETS / name / "reference.safetensors"))
    base = REFERENCE / meta["base"]
    base_meta = json.loads((base / "meta.json").read_text())
    s = meta["settings"]
    model = load_model(str(base / base_meta["model"]))
    assert model.cfg.d_model != model.cfg.d_vocab  # circuit-tracer guesses W_U's orientation
    rm = ReplacementModel(model, load_transcoders(str(base / "transcoders"), model=model))
    result = attribute(
        rm,
        torch.from_numpy(ref["input_tokens"]),
        attribution_targets=_spec(meta, ref),
        max_feature_nodes=s["max_feature_nodes"],
        batch_size=s["batch_size"],
    )
    pruned = prune_graph(
        result, node_threshold=s["node_threshold"], edge_threshold=s["edge_threshold"]
    )
    save_raw(result, pruned, tmp_path / "raw.safetensors")
    ours = load_file(str(tmp_path / "raw.safetensors"))

    assert ours["logit_tokens"].tolist() == ref["logit_tokens"].tolist()
    assert result.logit_labels == meta["labels"]
    np.testing.assert_allclose(
        ours["logit_probabilities"], ref["logit_probabilities"], rtol=1e-4, atol=1e-7
    )
    assert ours["active_features"].tolist() == ref["active_features"].tolist()
    assert ours["selected_features"].tolist() == ref["selected_features"].tolist()

    a_ours, a_ref = ours["adjacency"].astype(np.float64), ref["adjacency"].astype(np.float64)
    assert a_ours.shape == a_ref.shape
    n_feat, n_logits = len(ref["selected_features"]), len(ref["logit_tokens"])
    rows = [*range(n_feat), *range(a_ref.shape[0] - n_logits, a_ref.shape[0])]
    worst = 0.0
    for row in rows:  # every non-zero row: features and targets
        scale = np.abs(a_ref[row]).max()
        if scale == 0:
            assert np.abs(a_ours[row]).max() == 0, f"row {row} should be zero"
            continue
        worst = max(worst, np.abs(a_ours[row] - a_ref[row]).max() / scale)
    print(f"{name}: worst row relative error {worst:.3g}; {meta['margins']}")
    assert worst <= ROW_RTOL
    assert np.abs(a_ref[-n_logits:]).max() > 0  # the target rows are not vacuous

    assert (ours["node_mask"] == ref["node_mask"]).all()
    assert (ours["edge_mask"] == ref["edge_mask"]).all()
    replacement, completeness = graph_scores(result)
    assert replacement == pytest.approx(meta["replacement_score"], abs=1e-4)
    assert completeness == pytest.approx(meta["completeness_score"], abs=1e-4)
