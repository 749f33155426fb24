"""benchmarks/gemma2_full_vs_ct.py at a tiny size: the full-size command's code path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import save_file

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "scripts")]

import gemma2_full_vs_ct as bench  # noqa: E402
from bench_compare import BF16_ADJACENCY_RTOL, compare_graphs  # noqa: E402
from gemma2_gpu import (  # noqa: E402
    build_model,
    gemma2_config,
    gemma2_fields,
    keep_clear,
    separate_top_logits,
)

CT_PYTHON = "/work/ct-venv/bin/python"


def ct_available() -> bool:
    if not Path(CT_PYTHON).exists():
        return False
    probe = subprocess.run([CT_PYTHON, "-c", "import circuit_tracer"], capture_output=True)
    return probe.returncode == 0


def test_it_moves_thresholds_away_from_observed_pre_activations() -> None:
    gen = torch.Generator().manual_seed(0)
    pre = torch.randn(15, 500, generator=gen)
    thr = pre[3].clone() * 1.001  # every threshold sits on an observed value
    thr[:100] = 10.0  # these are far from everything
    moved = keep_clear(thr, pre, 0.03)
    assert torch.equal(moved[:100], thr[:100])
    gap = ((pre - moved).abs() / moved.abs()).min(0).values
    feasible = gap >= 0.03
    # the few left closer sit in the widest gap there was
    assert feasible.float().mean() > 0.95


def test_it_separates_the_top_logits() -> None:
    fields = gemma2_fields(bench.TINY)
    model = build_model(gemma2_config(fields, "cpu", torch.bfloat16))
    tokens = torch.tensor([1, 5, 9, 17, 33, 65, 129])
    separate_top_logits(model, tokens, n=10)
    with torch.no_grad():
        logits = model(tokens[None])[0, -1].float()
    top = logits.topk(11).values
    # ten targets, each at least half a logit from the next (many bfloat16 steps at this size)
    assert (top[:-1] - top[1:]).min() > 0.5


def _graph(path: Path, selected: list[int], adjacency: np.ndarray) -> None:
    n_nodes = adjacency.shape[1]
    save_file(
        {
            "adjacency": adjacency.astype(np.float32),
            "edge_mask": adjacency != 0,
            "node_mask": np.ones(n_nodes, dtype=bool),
            "selected_features": np.array(selected, dtype=np.int64),
            "active_features": np.arange(30, dtype=np.int64).reshape(10, 3),
            "logit_tokens": np.array([7], dtype=np.int64),
            "logit_probabilities": np.array([0.5], dtype=np.float32),
            "input_tokens": np.array([1, 2], dtype=np.int64),
        },
        str(path),
    )


def test_it_compares_the_same_features_in_another_order(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    ref = rng.normal(size=(4, 6))  # 3 feature rows + 1 logit row; 3 features + 3 other nodes
    perm = [2, 0, 1]  # ours visits ref's features 2, 0, 1 first
    ours = ref.copy()
    ours[:3] = ref[perm]
    ours[:, :3] = ours[:, perm]
    _graph(tmp_path / "ref", [4, 5, 6], ref)
    _graph(tmp_path / "ours", [6, 4, 5], ours)
    ok, detail = compare_graphs(tmp_path / "ours", tmp_path / "ref")
    assert ok, detail
    assert "another order" in detail
    _graph(tmp_path / "other", [4, 5, 7], ref)
    ok, detail = compare_graphs(tmp_path / "other", tmp_path / "ref")
    assert not ok and "2 of 3 shared" in detail


def test_it_reports_an_adjacency_beyond_the_tolerance(tmp_path: Path) -> None:
    ref = np.eye(4, 6)
    _graph(tmp_path / "ref", [4, 5, 6], ref)
    _graph(tmp_path / "ours", [4, 5, 6], ref + 0.05 * np.eye(4, 6))
    ok, detail = compare_graphs(tmp_path / "ours", tmp_path / "ref", rtol=BF16_ADJACENCY_RTOL)
    assert not ok and "adjacency max error 0.05" in detail


@pytest.mark.slow
def test_it_builds_runs_both_engines_and_compares_at_a_tiny_size(tmp_path: Path) -> None:
    with_ct = ct_available()
    argv = ["--tiny", "--workdir", str(tmp_path), "--ours-python", sys.executable]
    report = bench.compare(bench.main_parser().parse_args(argv + ([] if with_ct else ["--no-ct"])))
    ours = report["runs"]["ours"]
    assert ours["ok"], ours
    assert ours["n_active_features"] > 40  # more than max_feature_nodes: the cap selects
    assert ours["peak_rss_mb"] > ours["baseline_rss_mb"] > 0
    if not with_ct:
        pytest.skip("circuit-tracer's venv is not installed: ours ran alone")
    assert report["runs"]["ct"]["ok"], report["runs"]["ct"]
    assert report["graphs_agree"], report["graphs_detail"]
    assert len(report["goals"]) == 3
