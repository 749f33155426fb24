"""Benchmark: long prompts (1,024 to 16,384 tokens), our engine and circuit-tracer 0.5.0.

    python benchmarks/long_prompts.py                         # 1,024 2,048 4,096 8,192, ours
    python benchmarks/long_prompts.py --tokens 16384          # one length
    python benchmarks/long_prompts.py --ct --tokens 1024      # circuit-tracer on the same case

The model is gemma2-style (6 layers, d_model 80, 4 heads of 20, GQA with 2 key-value heads,
local attention over 512 tokens on every other layer, soft-caps), with 768-feature JumpReLU
per-layer transcoders whose thresholds are calibrated on the first 1,024 tokens for --l0
(default 40) active features per token and layer, the order of GemmaScope's. Every length
attributes a prefix of the same random token sequence with max_feature_nodes 1,500 (batch 256,
10 logits at most, thresholds 0.8 / 0.98), each engine in a fresh process under
`prlimit --as=<cap>` (bench_workers.py). Prints attribute / prune / export seconds, peak RSS,
the active feature count, and for pairs whether the graphs are equal. Weights go to
--workdir (default var/bench-long, not in git).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_compare import compare_graphs  # noqa: E402
from engine_vs_circuit_tracer import build_weights, fmt_run, run_worker  # noqa: E402

MODEL = {
    "n_layers": 6,
    "d_model": 80,
    "n_heads": 4,
    "d_head": 20,
    "n_kv": 2,
    "d_mlp": 320,
    "d_vocab": 512,
    "n_ctx": 16384,
    "window_size": 512,
}
SETTINGS = {
    "max_n_logits": 10,
    "desired_logit_prob": 0.95,
    "node_threshold": 0.8,
    "edge_threshold": 0.98,
    "max_feature_nodes": 1500,
    "batch_size": 256,
}
CALIBRATION_TOKENS = 1024


def make_spec(n_tokens: int, l0: float, workdir: Path) -> dict:
    rng = random.Random(2026)
    ids = [1] + [rng.randrange(4, MODEL["d_vocab"]) for _ in range(MODEL["n_ctx"] - 1)]
    return {
        "model": MODEL,
        "seed": 11,
        "d_transcoder": 768,
        "l0": l0,
        "calibration_ids": ids[:CALIBRATION_TOKENS],
        "token_ids": ids[:n_tokens],
        "model_dir": str(workdir / "model"),
        "transcoders_dir": str(workdir / f"tc_l0_{l0:g}"),
        "settings": dict(SETTINGS),
    }


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    p = argparse.ArgumentParser(description="long prompts: our engine and circuit-tracer")
    p.add_argument("--tokens", type=int, action="append", help="default 1024 2048 4096 8192")
    p.add_argument("--l0", type=float, default=40.0)
    p.add_argument("--ours-python", default=os.environ.get("CS_PYTHON", sys.executable))
    p.add_argument("--ct-python", default=os.environ.get("CT_PYTHON", "/work/ct-venv/bin/python"))
    p.add_argument("--ct", action="store_true", help="run circuit-tracer too (and compare)")
    p.add_argument("--no-ours", action="store_true", help="circuit-tracer only")
    p.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-long")
    p.add_argument("--mem-cap", default="20G", help="prlimit --as for every run (default 20G)")
    args = p.parse_args()
    # written by c-t's venv when there is one: its older transformers writes a tokenizer that
    # both venvs read (transformers 5 names a tokenizer class 4.x lacks)
    builder = args.ct_python if Path(args.ct_python).exists() else args.ours_python
    for n in args.tokens or [1024, 2048, 4096, 8192]:
        spec = make_spec(n, args.l0, args.workdir)
        if not build_weights(builder, spec, args.workdir / "build.spec.json"):
            return 1
        print(f"{n} tokens (load average {load_average()}):", flush=True)
        ours = ct = None
        if not args.no_ours:
            ours = run_worker(
                args.ours_python, "ours", spec, args.workdir / f"ours_{n}", args.mem_cap
            )
            print(fmt_run("ours", ours), flush=True)
            if ours["ok"]:
                print(f"        phases {ours.get('phases')}", flush=True)
        if args.ct or args.no_ours:
            ct = run_worker(args.ct_python, "ct", spec, args.workdir / f"ct_{n}", args.mem_cap)
            print(fmt_run("c-t", ct), flush=True)
        if ours and ct and ours["ok"] and ct["ok"]:
            ok, detail = compare_graphs(
                args.workdir / f"ours_{n}" / "compare.safetensors",
                args.workdir / f"ct_{n}" / "compare.safetensors",
            )
            print(f"  graphs equal: {'YES' if ok else 'NO'} ({detail})", flush=True)
        print(f"  load average after: {load_average()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
