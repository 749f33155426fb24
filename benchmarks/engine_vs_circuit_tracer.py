"""Benchmark: our attribution engine against circuit-tracer 0.5.0, same inputs, fresh processes.

    python benchmarks/engine_vs_circuit_tracer.py --case a
    python benchmarks/engine_vs_circuit_tracer.py --case b --mem-cap 6G

Case (a): gemma2-style, 8 layers, d_model 128, 4096-feature JumpReLU transcoders, 32 tokens,
max_feature_nodes=2000, batch 256. Case (b): the same model, a 1,000-token prompt, capped
features; circuit-tracer first at batch 256 (expected to exceed the cap), then at halved batches
until one fits, and ours at that batch too.

Each engine runs in its own process (ours with --ours-python / $CS_PYTHON, default this
interpreter; circuit-tracer with --ct-python / $CT_PYTHON, default /work/ct-venv/bin/python) under
`prlimit --as=<cap>`, so an out-of-memory run dies alone and cannot take the machine's services
with it. It prints wall time per phase (attribute, prune, export), peak RSS in total and above the
import baseline, the ratios ours/c-t, and whether the two graphs are equal. Weights are random,
seeded, and written under --workdir (default var/bench, not in git).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_compare import compare_graphs  # noqa: E402

MODEL = {
    "n_layers": 8,
    "d_model": 128,
    "n_heads": 4,
    "d_head": 32,
    "n_kv": 2,
    "d_mlp": 512,
    "d_vocab": 512,
    "n_ctx": 2048,
    "window_size": 512,
}
CASES = {
    "a": {"n_tokens": 32, "l0": 40.0, "settings": {"max_feature_nodes": 2000, "batch_size": 256}},
    "b": {"n_tokens": 1000, "l0": 8.0, "settings": {"max_feature_nodes": 500, "batch_size": 256}},
}
BASE_SETTINGS = {
    "max_n_logits": 10,
    "desired_logit_prob": 0.95,
    "node_threshold": 0.8,
    "edge_threshold": 0.98,
}
WORKER = ROOT / "benchmarks" / "bench_workers.py"


def make_spec(case: str, workdir: Path) -> dict:
    c = CASES[case]
    rng = random.Random(1000 + c["n_tokens"])
    ids = [1] + [rng.randrange(4, MODEL["d_vocab"]) for _ in range(c["n_tokens"] - 1)]
    return {
        "model": MODEL,
        "seed": 7,
        "d_transcoder": 4096,
        "l0": c["l0"],
        "token_ids": ids,
        "model_dir": str(workdir / "model"),
        "transcoders_dir": str(workdir / f"tc_{case}"),
        "settings": {**BASE_SETTINGS, **c["settings"]},
    }


def cap_bytes(cap: str) -> int:
    """'6G' -> bytes (prlimit itself takes plain numbers only)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    cap = cap.strip().upper().removesuffix("B")
    return int(float(cap[:-1]) * units[cap[-1]]) if cap[-1] in units else int(cap)


def run_worker(python: str, mode: str, spec: dict, out: Path, cap: str | None) -> dict:
    spec_file = out.parent / f"{out.name}.spec.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    spec_file.write_text(json.dumps(spec))
    cmd = [python, str(WORKER), mode, str(spec_file), str(out)]
    if cap:
        cmd = ["prlimit", f"--as={cap_bytes(cap)}", "--", *cmd]
    if out.exists():
        shutil.rmtree(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()][-1:] or ["(no stderr)"]
        return {"ok": False, "returncode": proc.returncode, "error": tail[0][:300]}
    return {"ok": True, **json.loads((out / "result.json").read_text())}


def build_weights(python: str, spec: dict, spec_file: Path) -> bool:
    spec_file.parent.mkdir(parents=True, exist_ok=True)
    spec_file.write_text(json.dumps(spec))
    proc = subprocess.run(
        [python, str(WORKER), "build", str(spec_file)], cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        print(f"  building weights failed: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.returncode == 0


def fmt_run(name: str, r: dict) -> str:
    if not r["ok"]:
        return f"  {name:>4}: FAILED (exit {r['returncode']}): {r['error']}"
    t = r["times"]
    total = t["attribute"] + t["prune"] + t["export"]
    return (
        f"  {name:>4}: attribute {t['attribute']:7.2f} s  prune {t['prune']:6.2f} s  "
        f"export {t['export']:6.2f} s  (total {total:7.2f} s, CPU {t.get('cpu', 0):7.2f} s; "
        f"load {t['load']:.2f} s)  "
        f"peak RSS {r['peak_rss_mb']:7.0f} MB, above import baseline "
        f"{r['peak_rss_mb'] - r['baseline_rss_mb']:7.0f} MB; "
        f"{r['n_active_features']} active features, {r['n_nodes']} nodes"
    )


def ratios(ours: dict, ct: dict) -> str:
    if not (ours["ok"] and ct["ok"]):
        return "  ratios: n/a (a run failed)"
    to, tc = ours["times"], ct["times"]
    tot_o = sum(to[k] for k in ("attribute", "prune", "export"))
    tot_c = sum(tc[k] for k in ("attribute", "prune", "export"))
    above_o = ours["peak_rss_mb"] - ours["baseline_rss_mb"]
    above_c = ct["peak_rss_mb"] - ct["baseline_rss_mb"]
    parts = [f"{k} {to[k] / tc[k]:.2f}x" for k in ("attribute", "prune", "export")]
    return (
        f"  ratios ours/c-t: time {', '.join(parts)}, end-to-end {tot_o / tot_c:.2f}x; "
        f"peak RSS {ours['peak_rss_mb'] / ct['peak_rss_mb']:.2f}x total, "
        f"{above_o / above_c:.2f}x above baseline"
    )


def compare_pair(workdir: Path, a: str, b: str, ours: dict, ct: dict) -> str:
    if not (ours["ok"] and ct["ok"]):
        return "  graphs: not compared (a run failed)"
    ok, detail = compare_graphs(
        workdir / a / "compare.safetensors", workdir / b / "compare.safetensors"
    )
    return f"  graphs equal: {'YES' if ok else 'NO'} ({detail})"


def reused_ct(wd: Path, case: str) -> tuple[dict, int] | None:
    """The c-t result of an earlier run in this workdir, and the batch it ran at."""
    result, spec = wd / f"ct_{case}" / "result.json", wd / f"ct_{case}.spec.json"
    if not (result.is_file() and spec.is_file()):
        return None
    batch = json.loads(spec.read_text())["settings"]["batch_size"]
    return {"ok": True, **json.loads(result.read_text())}, batch


def run_case(case: str, args: argparse.Namespace) -> None:
    wd = args.workdir
    spec = make_spec(case, wd)
    print(
        f"case ({case}): {len(spec['token_ids'])} tokens, settings {spec['settings']}, "
        f"cap {args.mem_cap}",
        flush=True,
    )
    if not build_weights(args.ct_python, spec, wd / f"build_{case}.spec.json"):
        raise SystemExit(1)
    ours = run_worker(args.ours_python, "ours", spec, wd / f"ours_{case}", args.mem_cap)
    print(fmt_run("ours", ours), flush=True)
    earlier = reused_ct(wd, case) if args.reuse_ct else None
    if earlier:
        ct, batch = earlier
        print(f"  c-t result reused from an earlier run (batch {batch}):")
        print(fmt_run("c-t", ct), flush=True)
    else:
        if case == "b" and args.ct_start_batch:
            spec["settings"]["batch_size"] = args.ct_start_batch
        ct = run_worker(args.ct_python, "ct", spec, wd / f"ct_{case}", args.mem_cap)
        batch = spec["settings"]["batch_size"]
        print(f"  batch {batch}:", flush=True)
        print(fmt_run("c-t", ct), flush=True)
        while case == "b" and not ct["ok"] and batch > args.min_batch:
            print(f"  c-t exceeded --as={args.mem_cap} at batch {batch}", flush=True)
            batch //= 2
            spec["settings"]["batch_size"] = batch
            ct = run_worker(args.ct_python, "ct", spec, wd / f"ct_{case}", args.mem_cap)
            print(f"  batch {batch}:", flush=True)
            print(fmt_run("c-t", ct), flush=True)
    if batch != CASES[case]["settings"]["batch_size"]:
        spec["settings"]["batch_size"] = batch
        print(f"  ours again at c-t's batch {batch}:")
        ours = run_worker(args.ours_python, "ours", spec, wd / f"ours_{case}", args.mem_cap)
        print(fmt_run("ours", ours), flush=True)
    print(ratios(ours, ct))
    print(compare_pair(wd, f"ours_{case}", f"ct_{case}", ours, ct), flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description="our engine vs circuit-tracer 0.5.0")
    p.add_argument("--case", choices=sorted(CASES), action="append")
    p.add_argument("--ours-python", default=os.environ.get("CS_PYTHON", sys.executable))
    p.add_argument("--ct-python", default=os.environ.get("CT_PYTHON", "/work/ct-venv/bin/python"))
    p.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    p.add_argument("--mem-cap", default="6G", help="prlimit --as for every run (default 6G)")
    p.add_argument("--min-batch", type=int, default=8, help="case b: smallest c-t batch tried")
    p.add_argument(
        "--ct-start-batch",
        type=int,
        default=None,
        help="case b: first c-t batch to try (default: the case's 256)",
    )
    p.add_argument(
        "--reuse-ct",
        action="store_true",
        help="reuse the c-t result of an earlier run in --workdir (same case)",
    )
    args = p.parse_args()
    for case in args.case or sorted(CASES):
        run_case(case, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
