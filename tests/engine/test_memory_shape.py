"""Memory shape: attribution, pruning and scores complete under an address-space cap in which a
dense N x N float32 adjacency cannot even be allocated (the engine keeps only the
(features + logits) x N row block)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

N_TOKENS = 1500
CHILD = textwrap.dedent("""
    import resource, sys, torch
    torch.set_num_threads(1)
    from inference_worker.engine import (ReplacementModel, attribute, graph_scores, load_model,
                                         load_transcoders, prune_graph)
    model = load_model(sys.argv[1])
    rm = ReplacementModel(model, load_transcoders(sys.argv[2], model=model))
    n_tokens, max_feature_nodes = int(sys.argv[3]), 10
    # Upper bound of N: features + errors + tokens + logits (<= 10 logits).
    n_nodes = max_feature_nodes + (model.cfg.n_layers + 1) * n_tokens + 10
    dense_bytes = 4 * n_nodes * n_nodes
    size = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmSize"))
    cap = size + int(0.6 * dense_bytes)  # what is loaded now, plus less than a dense matrix
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    tokens = torch.randint(4, 60, (n_tokens,), generator=torch.Generator().manual_seed(0))
    result = attribute(rm, tokens, max_feature_nodes=max_feature_nodes, batch_size=8)
    pruned = prune_graph(result)
    replacement, completeness = graph_scores(result)
    assert result.n_nodes <= n_nodes and result.block.shape[0] == 10 + result.n_logits
    try:
        torch.empty(result.n_nodes, result.n_nodes)
        print("DENSE-FITS")
    except (RuntimeError, MemoryError):
        print("DENSE-REFUSED")
    print("OK", result.n_nodes, int(pruned.node_mask.sum()), round(replacement, 3), round(completeness, 3))
""")


def test_it_completes_where_a_dense_matrix_cannot_be_allocated(tmp_path):
    model_dir = build_tiny_model_dir(
        tmp_path / "model",
        arch="llama",
        dims={
            "n_layers": 8,
            "d_model": 16,
            "n_heads": 1,
            "d_head": 16,
            "n_key_value_heads": 1,
            "d_mlp": 32,
            "n_ctx": 2048,
            "rotary_dim": 16,
        },
    )
    tc_dir = build_tiny_transcoders(
        tmp_path / "tc", model_dir, kind="plt", d_transcoder=32, enc_bias=-1.5
    )
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(model_dir), str(tc_dir), str(N_TOKENS)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.split()
    assert "DENSE-REFUSED" in lines, proc.stdout
    assert "OK" in lines and int(lines[lines.index("OK") + 1]) > 13000
