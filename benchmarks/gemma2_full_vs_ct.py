"""Full-size Gemma-2-2B with 26 GemmaScope-layout 16k transcoders: our engine against
circuit-tracer 0.5.0 on the CPU, in bfloat16.

    flock -x /tmp/cs-cpu.lock python benchmarks/gemma2_full_vs_ct.py     # full size (~20 GB)
    python benchmarks/gemma2_full_vs_ct.py --tiny --workdir /tmp/x       # seconds: smoke test

The weights are written once to --workdir (default var/bench/gemma2-full, not in git) and reused
while the spec is unchanged: Gemma-2-2B built from TransformerLens's own config with random
weights, saved in bfloat16, and 26 random 16k-feature transcoders in GemmaScope's params.npz
layout whose JumpReLU thresholds come from the prompt's pre-activations (about --l0 active
features per token and layer) and stay 3% clear of every observed one (gemma2_gpu.py). Then each
engine runs in a fresh process (bench_workers.py; circuit-tracer in its own venv, loading the
npz files with its GemmaScope loader) on the same 16 token ids with max_feature_nodes 1,000,
bfloat16 on the CPU. It prints, per engine, load / attribute / prune / export seconds and peak
RSS including set-up; the ratios ours / c-t; and whether the graphs agree (same active and
selected features, adjacency within bench_compare.BF16_ADJACENCY_RTOL of max |A|; pruning masks
reported). With --float32-reference our engine also runs in float32 on the same weights, and
both bfloat16 graphs are compared with that one: how many selected features bfloat16 rounding
alone moves across the selection cut.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_compare import BF16_ADJACENCY_RTOL, compare_graphs  # noqa: E402
from engine_vs_circuit_tracer import (  # noqa: E402
    build_weights,
    fmt_run,
    ratios,
    reused_ct,
    run_worker,
)

# a Gemma-2 small enough to build and trace both ways in seconds, for the smoke test
TINY = {
    "n_layers": 2,
    "d_model": 64,
    "d_head": 16,
    "n_heads": 4,
    "n_key_value_heads": 2,
    "d_mlp": 128,
    "d_vocab": 256,
    "n_ctx": 64,
    "window_size": 8,
}
SETTINGS = {
    "max_n_logits": 10,
    "desired_logit_prob": 0.95,
    "node_threshold": 0.8,
    "edge_threshold": 0.98,
    "max_feature_nodes": 1000,
    "batch_size": 256,
}
CASE = "full"  # run folders ours_full, ct_full (as engine_vs_circuit_tracer names its cases)
GOAL = 0.5  # ours at most half of circuit-tracer's time and peak RSS


def make_spec(workdir: Path, *, tiny: bool, n_tokens: int, l0: float, batch_size: int) -> dict:
    d_vocab = TINY["d_vocab"] if tiny else 256000
    rng = random.Random(18)
    # id 1 is the <bos> of the word-level tokenizer written with the model: circuit-tracer
    # prepends one unless the ids start with a special token
    ids = [1] + [rng.randrange(4, d_vocab) for _ in range(n_tokens - 1)]
    return {
        "layout": "gemmascope",
        "model_overrides": TINY if tiny else None,
        "dtype": "bfloat16",
        "d_transcoder": 256 if tiny else 16384,
        "l0": l0,
        "token_ids": ids,
        "model_dir": str(workdir / "model"),
        "transcoders_dir": str(workdir / "transcoders"),
        "settings": {
            **SETTINGS,
            "batch_size": batch_size,
            "max_feature_nodes": 40 if tiny else SETTINGS["max_feature_nodes"],
        },
    }


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def goal_lines(ours: dict, ct: dict) -> list[str]:
    """Attribution-only and whole-run (set-up included) time, and peak RSS, against GOAL."""
    if not (ours["ok"] and ct["ok"]):
        return ["  goals: not judged (a run failed)"]
    whole = [
        sum(r["times"][k] for k in ("load", "attribute", "prune", "export")) for r in (ours, ct)
    ]
    pairs = {
        "attribution time": (ours["times"]["attribute"], ct["times"]["attribute"]),
        "time with set-up": (whole[0], whole[1]),
        "peak RSS": (ours["peak_rss_mb"], ct["peak_rss_mb"]),
    }
    return [
        f"  {name}: {a / b:.2f}x of c-t's -> goal <= {GOAL}x {'MET' if a / b <= GOAL else 'NOT met'}"
        for name, (a, b) in pairs.items()
    ]


def compare(args: argparse.Namespace) -> dict:
    """Build (or reuse) the files, run both engines, print and return what was measured."""
    wd = args.workdir
    spec = make_spec(
        wd,
        tiny=args.tiny,
        n_tokens=args.n_tokens,
        l0=args.l0 or (8.0 if args.tiny else 75.0),
        batch_size=args.batch_size,
    )
    print(f"load average at start: {load_average()}", flush=True)
    # written by c-t's venv when there is one: its older transformers writes a tokenizer that
    # both venvs read (transformers 5 names a tokenizer class 4.x lacks)
    builder = args.ct_python if Path(args.ct_python).exists() else args.ours_python
    if not build_weights(builder, spec, wd / "build.spec.json"):
        raise SystemExit(1)
    runs = {}
    if not args.no_ours:
        runs["ours"] = run_worker(args.ours_python, "ours", spec, wd / f"ours_{CASE}", args.mem_cap)
        print(fmt_run("ours", runs["ours"]), flush=True)
    earlier = reused_ct(wd, CASE) if args.reuse_ct else None
    if earlier:
        runs["ct"] = earlier[0]
        print(f"  c-t result reused from an earlier run (batch {earlier[1]}):")
        print(fmt_run("c-t", runs["ct"]), flush=True)
    elif not args.no_ct:
        ct_spec = {**spec, "settings": {**spec["settings"], "batch_size": args.ct_batch_size}}
        runs["ct"] = run_worker(args.ct_python, "ct", ct_spec, wd / f"ct_{CASE}", args.mem_cap)
        print(fmt_run("c-t", runs["ct"]), flush=True)
    report = {"spec": spec, "runs": runs}
    if len(runs) == 2:
        print(ratios(runs["ours"], runs["ct"]))
        report["goals"] = goal_lines(runs["ours"], runs["ct"])
        print("\n".join(report["goals"]))
        if runs["ours"]["ok"] and runs["ct"]["ok"]:
            ok, detail = compare_graphs(
                wd / f"ours_{CASE}" / "compare.safetensors",
                wd / f"ct_{CASE}" / "compare.safetensors",
                rtol=BF16_ADJACENCY_RTOL,
                exact_masks=False,
            )
            report["graphs_agree"], report["graphs_detail"] = ok, detail
            print(f"  graphs agree: {'YES' if ok else 'NO'} ({detail})")
    if args.float32_reference and runs.get("ours", {}).get("ok"):
        report["float32_reference"] = float32_reference(args, spec, runs)
    print(f"load average at end: {load_average()}", flush=True)
    return report


def float32_reference(args: argparse.Namespace, spec: dict, runs: dict) -> dict:
    """Our engine once more in float32 on the same (bfloat16-exact) weights: how far each
    bfloat16 graph lies from the float32 one shows how much of a disagreement between the two
    engines is bfloat16 rounding (features near the selection cut swap places)."""
    wd = args.workdir
    f32 = run_worker(
        args.ours_python, "ours", {**spec, "dtype": "float32"}, wd / "ours_f32", args.mem_cap
    )
    print(fmt_run("ours f32", f32), flush=True)
    found = {}
    if not f32["ok"]:
        return found
    for name in [n for n in ("ours", "ct") if runs.get(n, {}).get("ok")]:
        _, detail = compare_graphs(
            wd / f"{name}_{CASE}" / "compare.safetensors",
            wd / "ours_f32" / "compare.safetensors",
            rtol=BF16_ADJACENCY_RTOL,
            exact_masks=False,
        )
        found[name] = detail
        print(f"  {name} (bfloat16) against ours in float32: {detail}", flush=True)
    return found


def main_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="full-size Gemma-2-2B: our engine vs circuit-tracer")
    p.add_argument("--tiny", action="store_true", help="a 2-layer Gemma-2 (smoke test)")
    p.add_argument("--n-tokens", type=int, default=16)
    p.add_argument(
        "--l0",
        type=float,
        default=None,
        help="active features per token and layer (75; 8 with --tiny)",
    )
    p.add_argument("--batch-size", type=int, default=256, help="ours")
    p.add_argument("--ct-batch-size", type=int, default=256)
    p.add_argument("--ours-python", default=os.environ.get("CS_PYTHON", sys.executable))
    p.add_argument("--ct-python", default=os.environ.get("CT_PYTHON", "/work/ct-venv/bin/python"))
    p.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench" / "gemma2-full")
    p.add_argument("--mem-cap", default=None, help="prlimit --as for each run (default none)")
    p.add_argument("--no-ours", action="store_true")
    p.add_argument("--no-ct", action="store_true")
    p.add_argument(
        "--reuse-ct",
        action="store_true",
        help="reuse the c-t result of an earlier run in --workdir (same files)",
    )
    p.add_argument(
        "--float32-reference",
        action="store_true",
        help="also run ours in float32 and compare both bfloat16 graphs with it",
    )
    p.add_argument("--json", type=Path, default=None, help="also write the report here")
    return p


def main(argv: list[str] | None = None) -> int:
    args = main_parser().parse_args(argv)
    report = compare(args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
