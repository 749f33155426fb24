"""One measured run of one engine, in a fresh process (driven by engine_vs_circuit_tracer.py).

    python benchmarks/bench_workers.py build SPEC.json      # write the random weights (any venv)
    python benchmarks/bench_workers.py ours SPEC.json OUT   # our engine (product venv)
    python benchmarks/bench_workers.py ct SPEC.json OUT     # circuit-tracer 0.5.0 (oracle venv)

A run writes OUT/result.json (phase wall times, peak RSS in total and above the import
baseline) and OUT/compare.safetensors (the graph's feature and logit rows, features, logits and
masks) for the driver's equality check. Peak RSS is read before the comparison file is written,
so writing it does not count.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT)]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux keeps ru_maxrss across
    exec, so a worker started from a larger process (a test run) would report its parent's."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def build(spec: dict) -> None:
    """Random gemma2-style model + JumpReLU per-layer transcoders calibrated on the prompt."""
    if spec.get("layout") == "gemmascope":  # full-size Gemma-2-2B and GemmaScope npz files
        from benchmarks.gemma2_gpu import build_files

        build_files(spec)
        return
    import fixture_builders as fb
    import torch

    model_dir, tc_dir = Path(spec["model_dir"]), Path(spec["transcoders_dir"])
    keys = (
        "model",
        "seed",
        "d_transcoder",
        "l0",
        "calibration_ids" if "calibration_ids" in spec else "token_ids",
    )
    stamp = json.dumps({k: spec[k] for k in keys})
    if (tc_dir / "spec.json").is_file() and (tc_dir / "spec.json").read_text() == stamp:
        return  # already built from the same spec
    cfg = fb.gemma2_config(**spec["model"])
    if not (model_dir / "model.safetensors").exists():
        fb.write_model_dir(model_dir, cfg, seed=spec["seed"])
    model = fb.load_plain_model(model_dir)
    # thresholds may be calibrated on a shorter prompt (long-prompt runs share one set)
    tokens = torch.tensor(spec.get("calibration_ids") or spec["token_ids"])
    fb.write_plt(
        tc_dir,
        model,
        tokens,
        d_tc=spec["d_transcoder"],
        l0=spec["l0"],
        seed=spec["seed"] + 1,
        jumprelu=True,
        skip=False,
        input_hook="ln2.hook_normalized",
        output_hook="hook_mlp_out",
    )
    (tc_dir / "spec.json").write_text(stamp)


def _compact(adjacency, n_features: int, n_logits: int, edge_mask):
    """Only feature and logit rows are ever non-zero: keep those (and check the rest is)."""
    import torch

    rows = torch.cat(
        [torch.arange(n_features), torch.arange(adjacency.shape[0] - n_logits, adjacency.shape[0])]
    )
    rest = torch.ones(adjacency.shape[0], dtype=torch.bool)
    rest[rows] = False
    if adjacency[rest].any() or edge_mask[rest].any():
        raise RuntimeError("non-feature, non-logit rows carry edges")
    return adjacency[rows].float().contiguous(), edge_mask[rows].contiguous()


def run_ours(spec: dict, out: Path) -> dict:
    # first, as in the worker: it sets torch's allocator up before torch loads
    importlib.import_module("inference_worker")
    import torch
    import transformer_lens  # noqa: F401  (imported before the baseline, as c-t's run does)

    import inference_worker.engine as engine

    base = peak_rss_mb()
    s, t = spec["settings"], {}
    dtype = spec.get("dtype", "float32")
    t0 = time.perf_counter()
    model = engine.load_model(spec["model_dir"], dtype=dtype)
    rm = engine.ReplacementModel(
        model, engine.load_transcoders(spec["transcoders_dir"], model=model, dtype=dtype)
    )
    t["load"] = time.perf_counter() - t0
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    result = engine.attribute(
        rm,
        torch.tensor(spec["token_ids"]),
        max_n_logits=s["max_n_logits"],
        desired_logit_prob=s["desired_logit_prob"],
        max_feature_nodes=s["max_feature_nodes"],
        batch_size=s["batch_size"],
    )
    t["attribute"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pruned = engine.prune_graph(
        result, node_threshold=s["node_threshold"], edge_threshold=s["edge_threshold"]
    )
    t["prune"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    graph = engine.to_graph_json(result, pruned, slug="bench", scan="bench")
    (out / "graph.json").write_text(json.dumps(graph))
    t["export"] = time.perf_counter() - t0
    t["cpu"] = cpu_seconds() - cpu0  # attribute, prune, export: CPU seconds, all threads
    peak = peak_rss_mb()

    from safetensors.torch import save_file

    # the feature and logit rows straight from the block: never the N x N matrix
    n_nodes = result.n_nodes
    adjacency = torch.zeros(result.block.shape[0], n_nodes)
    adjacency[:, : result.block.shape[1]] = result.block
    # as dense_edge_mask: with a zero edge threshold the logit columns stay marked too
    edge_rows = torch.full((result.block.shape[0], n_nodes), pruned.keep_all_edges)
    edge_rows[:, : pruned.edge_mask.shape[1]] = pruned.edge_mask
    save_file(
        {
            "adjacency": adjacency.float().contiguous(),
            "edge_mask": edge_rows,
            "node_mask": pruned.node_mask.bool().contiguous(),
            "selected_features": result.selected_features.long(),
            "active_features": result.active_features.long().contiguous(),
            "logit_tokens": result.logit_tokens.long(),
            "logit_probabilities": result.logit_probabilities.float(),
            "input_tokens": result.input_tokens.long(),
        },
        str(out / "compare.safetensors"),
    )
    return {
        "times": t,
        "baseline_rss_mb": base,
        "peak_rss_mb": peak,
        "n_active_features": len(result.active_features),
        "n_nodes": n_nodes,
        "phases": result.meta.get("timings", {}),
    }


def run_ct(spec: dict, out: Path) -> dict:
    import torch

    # c-t imports TransformerLens lazily; import it before the baseline, as the ours run does
    import transformer_lens  # noqa: F401
    from circuit_tracer import attribute
    from circuit_tracer.graph import prune_graph

    # the module, not the function circuit_tracer.utils re-exports under the same name
    cgf = importlib.import_module("circuit_tracer.utils.create_graph_files")

    from scripts.make_reference_fixtures import load_ct_model, load_ct_transcoders

    base = peak_rss_mb()
    s, t = spec["settings"], {}
    dtype = getattr(torch, spec.get("dtype", "float32"))
    t0 = time.perf_counter()
    model = load_ct_model(
        Path(spec["model_dir"]),
        load_ct_transcoders(Path(spec["transcoders_dir"]), dtype=dtype),
        dtype=dtype,
    )
    t["load"] = time.perf_counter() - t0
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    graph = attribute(
        torch.tensor(spec["token_ids"]),
        model,
        max_n_logits=s["max_n_logits"],
        desired_logit_prob=s["desired_logit_prob"],
        max_feature_nodes=s["max_feature_nodes"],
        batch_size=s["batch_size"],
    )
    t["attribute"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    node_mask, edge_mask, cumulative = prune_graph(graph, s["node_threshold"], s["edge_threshold"])
    t["prune"] = time.perf_counter() - t0
    # the steps of create_graph_files after its own (second) pruning
    t0 = time.perf_counter()
    tokenizer = model.tokenizer
    nodes = cgf.create_nodes(graph, node_mask, tokenizer, cumulative)
    used_nodes, used_edges = cgf.create_used_nodes_and_edges(graph, nodes, edge_mask)
    doc = cgf.build_model(
        graph, used_nodes, used_edges, "bench", "bench", s["node_threshold"], tokenizer
    )
    (out / "graph.json").write_text(doc.model_dump_json())
    t["export"] = time.perf_counter() - t0
    t["cpu"] = cpu_seconds() - cpu0  # attribute, prune, export: CPU seconds, all threads
    peak = peak_rss_mb()

    from safetensors.torch import save_file

    n_f, n_l = len(graph.selected_features), len(graph.logit_targets)
    adjacency, edge_rows = _compact(graph.adjacency_matrix, n_f, n_l, edge_mask)
    save_file(
        {
            "adjacency": adjacency,
            "edge_mask": edge_rows,
            "node_mask": node_mask.contiguous(),
            "selected_features": graph.selected_features.long(),
            "active_features": graph.active_features.long().contiguous(),
            "logit_tokens": graph.logit_token_ids.long(),
            "logit_probabilities": graph.logit_probabilities.float(),
            "input_tokens": graph.input_tokens.long(),
        },
        str(out / "compare.safetensors"),
    )
    return {
        "times": t,
        "baseline_rss_mb": base,
        "peak_rss_mb": peak,
        "n_active_features": len(graph.active_features),
        "n_nodes": int(graph.adjacency_matrix.shape[0]),
    }


def main() -> None:
    mode, spec = sys.argv[1], json.loads(Path(sys.argv[2]).read_text())
    if mode == "build":
        build(spec)
        return
    out = Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    import torch

    torch.set_grad_enabled(True)
    report = (run_ours if mode == "ours" else run_ct)(spec, out)
    (out / "result.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
