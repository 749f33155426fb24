"""Attribution time and peak GPU memory on a full-size, randomly initialised Gemma-2-2B.

    python benchmarks/gemma2_gpu.py                          # full size, cuda
    python benchmarks/gemma2_gpu.py --small --device cpu     # scaled-down smoke test

No real weights can be downloaded where this runs, and timing does not need them: the model is
built from TransformerLens's own Gemma-2-2B config (read offline) with random weights, and 26
random 16k-feature transcoders are written in GemmaScope's params.npz layout, their JumpReLU
thresholds set from the prompt's real pre-activations so each token has about --l0 (default 75)
active features per layer, as GemmaScope's do. Then our engine loads those files and attributes
--n-tokens (64) tokens with max_feature_nodes=--max-feature-nodes (5000). It prints the seconds
of each phase, the active feature count, and peak GPU memory (in total and above the weights).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

SMALL = {
    "n_layers": 4,
    "d_model": 256,
    "d_head": 64,
    "n_heads": 4,
    "n_key_value_heads": 2,
    "d_mlp": 1024,
    "d_vocab": 4096,
    "n_ctx": 512,
    "window_size": 64,
}


def gemma2_fields(overrides: dict | None = None) -> dict:
    """Gemma-2-2B's config as TransformerLens knows it (read offline), kept to the fields both
    TransformerLens versions we run accept (3.9 here, 3.2.1 in circuit-tracer's venv), so the
    same config.json loads in either; no tokenizer name (token ids are passed). `overrides`
    scales it down (e.g. SMALL)."""
    import fixture_builders as fb
    from transformer_lens.loading_from_pretrained import get_pretrained_model_config

    tl = get_pretrained_model_config("google/gemma-2-2b", device="cpu").to_dict()
    fields = {k: tl[k] for k in fb.gemma2_config()}
    fields.update(default_prepend_bos=False, tokenizer_prepends_bos=False)
    if overrides:
        fields.update(overrides)
        fields.update(
            attn_types=tl["attn_types"][: fields["n_layers"]], rotary_dim=fields["d_head"]
        )
    return fields


def gemma2_config(fields: dict, device: str, dtype: torch.dtype):
    from transformer_lens import HookedTransformerConfig

    return HookedTransformerConfig(**fields, device=device, dtype=dtype, init_weights=True, seed=0)


def build_model(cfg):
    from transformer_lens import HookedTransformer

    with torch.device(cfg.device):  # initialise on the device: 10 GB of CPU init is slow
        model = HookedTransformer(cfg, move_to_device=True)
    return model.eval()


def keep_clear(thr: torch.Tensor, pre: torch.Tensor, margin: float) -> torch.Tensor:
    """Thresholds [d_tc] moved, where an observed pre-activation (pre [pos, d_tc]) lies within
    margin * |threshold| of one, to the nearest gap between observed values that is that wide
    (else the widest): a feature sitting on its threshold could be active in one engine and not
    in the other for reasons of rounding alone (bfloat16 keeps 8 significant bits)."""
    close = ((pre - thr).abs() < margin * thr.abs()).any(0)
    if not close.any():
        return thr
    vals = pre[:, close].sort(0).values  # [pos, k]
    spread = (vals[-1] - vals[0]).clamp_min(1e-6)
    # candidates: below every value, between neighbours, above every value
    cands = torch.cat([vals[:1] - spread, 0.5 * (vals[1:] + vals[:-1]), vals[-1:] + spread])
    clearance = (cands[:, None, :] - vals[None]).abs().min(1).values  # [pos + 1, k]
    wide = clearance >= 1.01 * margin * cands.abs()
    t = thr[close]
    cost = torch.where(wide, (cands - t).abs(), torch.inf)
    pick = torch.where(wide.any(0), cost.argmin(0), clearance.argmax(0))
    out = thr.clone()
    out[close] = cands.gather(0, pick[None])[0]
    return out


def bf16_exact(t: torch.Tensor) -> torch.Tensor:
    """float32 values a bfloat16 run reads unchanged, so both engines see the weights as written."""
    return t.to(torch.bfloat16).float()


def write_gemmascope_set(
    out: Path, model, tokens: torch.Tensor, d_tc: int, l0: float, margin: float = 0.03
) -> None:
    """Random GemmaScope-layout transcoders; thresholds from the prompt's pre-activations, each
    kept `margin` (relative) away from every observed one. Arrays are float32 (GemmaScope's)
    holding bfloat16-representable values."""
    import yaml

    names = [f"blocks.{i}.ln2.hook_normalized" for i in range(model.cfg.n_layers)]
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens[None], names_filter=lambda n: n in names)
    d, dev = model.cfg.d_model, tokens.device
    gen = torch.Generator(device=dev).manual_seed(1)
    files = []
    for layer, name in enumerate(names):
        x = cache[name][0, 1:].float()  # position 0 is never a node
        w_enc = bf16_exact(torch.randn(d, d_tc, generator=gen, device=dev) / math.sqrt(d))
        b_enc = bf16_exact(0.1 * torch.randn(d_tc, generator=gen, device=dev))
        pre = x @ w_enc + b_enc
        # per-layer cut at the (1 - l0/d_tc) quantile, jittered per feature
        k = max(1, int(pre.numel() * (1.0 - l0 / d_tc)))
        base = pre.flatten().kthvalue(k).values
        thr = base * (1.0 + 0.05 * torch.randn(d_tc, generator=gen, device=dev)).abs()
        # rounding to bfloat16 moves a threshold by 0.4% at most: it stays clear
        thr = bf16_exact(keep_clear(thr, pre, margin))
        w_dec = bf16_exact(torch.randn(d_tc, d, generator=gen, device=dev) * (0.5 / math.sqrt(d)))
        rel = f"layer_{layer}/width_{d_tc // 1024}k/average_l0_{round(l0)}/params.npz"
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            out / rel,
            W_enc=w_enc.cpu().numpy(),
            W_dec=w_dec.cpu().numpy(),
            b_enc=b_enc.cpu().numpy(),
            b_dec=torch.zeros(d).numpy(),
            threshold=thr.cpu().numpy(),
        )
        files.append(rel)
        del w_enc, w_dec, pre
    (out / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "model_kind": "transcoder_set",
                "feature_input_hook": "ln2.hook_normalized",
                "feature_output_hook": "hook_mlp_out",
                "transcoders": files,
            },
            sort_keys=False,
        )
    )


def separate_top_logits(model, tokens: torch.Tensor, n: int = 10, gap: float = 1.0) -> None:
    """Raise `n` tokens' logits at the last position to `gap`, 2 * `gap`, ... above the largest
    random one (before the soft-cap). Random weights put the top logits of 256,000 a few
    bfloat16 steps apart, so two engines could rank them differently and attribute different
    targets; this keeps the targets unambiguous. The embeddings stay tied, as Gemma-2's are:
    the lifted tokens are outside the prompt, so their new embeddings change no activation."""
    w_u = model.unembed.W_U  # [d_model, d_vocab]
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens[None], names_filter="ln_final.hook_normalized")
        resid = (cache["ln_final.hook_normalized"][0, -1] * model.ln_final.w).float()
        logits = resid @ w_u.float() + model.unembed.b_U.float()
        direction = resid / resid.square().sum()  # resid @ direction == 1
        picked = torch.randperm(model.cfg.d_vocab, generator=torch.Generator().manual_seed(3))
        in_prompt = set(tokens.tolist())
        picked = [t for t in picked[: n + len(in_prompt)].tolist() if t not in in_prompt][:n]
        top = logits.max()
        for rank, token in enumerate(picked):
            lift = top + gap * (n - rank) - logits[token]
            w_u[:, token] = (w_u[:, token].float() + lift * direction).to(w_u.dtype)
            model.embed.W_E[token] = w_u[:, token]


def tie_embeddings(model) -> None:
    """W_U = W_E.T, as in Gemma-2-2B (TransformerLens keeps them as two equal parameters)."""
    with torch.no_grad():
        model.unembed.W_U.copy_(model.embed.W_E.T)


def build_files(spec: dict) -> None:
    """Write `spec`'s model dir (config.json, model.safetensors in spec["dtype"], a word-level
    tokenizer) and its GemmaScope set, unless both are there from the same spec. Runs as one
    process of its own (bench_workers.py build): the full-size model takes 5 GB in bfloat16."""
    import fixture_builders as fb
    from safetensors.torch import save_file

    model_dir, tc_dir = Path(spec["model_dir"]), Path(spec["transcoders_dir"])
    keys = ("model_overrides", "dtype", "d_transcoder", "l0", "token_ids")
    stamp = json.dumps({"embeddings": "tied", **{k: spec[k] for k in keys}})
    if (tc_dir / "spec.json").is_file() and (tc_dir / "spec.json").read_text() == stamp:
        return
    fields = gemma2_fields(spec["model_overrides"])
    model = build_model(gemma2_config(fields, "cpu", getattr(torch, spec["dtype"])))
    tokens = torch.tensor(spec["token_ids"])
    tie_embeddings(model)
    separate_top_logits(model, tokens)
    model_dir.mkdir(parents=True, exist_ok=True)
    save_file(
        {k: v.detach().contiguous() for k, v in model.named_parameters()},
        str(model_dir / "model.safetensors"),
    )
    (model_dir / "config.json").write_text(json.dumps(fields, indent=2) + "\n")
    fb.write_tokenizer(model_dir, fields["d_vocab"])
    tc_dir.mkdir(parents=True, exist_ok=True)
    write_gemmascope_set(tc_dir, model, tokens, spec["d_transcoder"], spec["l0"])
    (tc_dir / "spec.json").write_text(stamp)


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def gib(n_bytes: int) -> float:
    return n_bytes / 2**30


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--small", action="store_true", help="scaled-down config for a smoke test")
    p.add_argument("--device", default="cuda")
    p.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    p.add_argument("--n-tokens", type=int, default=None, help="default 64 (16 with --small)")
    p.add_argument(
        "--max-feature-nodes", type=int, default=None, help="default 5000 (300 with --small)"
    )
    p.add_argument("--d-transcoder", type=int, default=None, help="default 16384 (2048 small)")
    p.add_argument("--l0", type=float, default=75.0, help="target active features per token")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--workdir", type=Path, default=None, help="where the npz files go (temp)")
    args = p.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("error: --device cuda but no CUDA device is visible (use --device cpu)")
        return 2
    n_tokens = args.n_tokens or (16 if args.small else 64)
    cap = args.max_feature_nodes or (300 if args.small else 5000)
    d_tc = args.d_transcoder or (2048 if args.small else 16384)
    dtype = getattr(torch, args.dtype)

    import inference_worker.engine as engine

    t0 = time.perf_counter()
    cfg = gemma2_config(gemma2_fields(SMALL if args.small else None), args.device, dtype)
    model = build_model(cfg)
    tie_embeddings(model)
    engine.share_tied_unembedding(model)
    gen = torch.Generator().manual_seed(2)
    tokens = torch.cat(
        [torch.tensor([2]), torch.randint(3, cfg.d_vocab, (n_tokens - 1,), generator=gen)]
    ).to(args.device)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gemma2_gpu_"))
    try:
        write_gemmascope_set(workdir, model, tokens, d_tc, args.l0)
        transcoders = engine.load_transcoders(
            str(workdir), model=model, device=args.device, dtype=dtype
        )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    rm = engine.ReplacementModel(model, transcoders)
    setup_s = time.perf_counter() - t0

    if args.device.startswith("cuda"):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    resident = torch.cuda.memory_allocated() if args.device.startswith("cuda") else 0
    sync(args.device)
    t0 = time.perf_counter()
    result = engine.attribute(rm, tokens, max_feature_nodes=cap, batch_size=args.batch_size)
    sync(args.device)
    attribute_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine.prune_graph(result)
    sync(args.device)
    prune_s = time.perf_counter() - t0

    n_active = len(result.active_features)
    figures = {
        "config": "small" if args.small else "gemma-2-2b",
        "device": args.device,
        "dtype": args.dtype,
        "n_tokens": n_tokens,
        "d_transcoder": d_tc,
        "active_features": n_active,
        "l0_per_token_per_layer": round(n_active / ((n_tokens - 1) * cfg.n_layers), 1),
        "max_feature_nodes": cap,
        "batch_size": args.batch_size,
        "setup_s": round(setup_s, 2),
        "attribute_s": round(attribute_s, 2),
        "prune_s": round(prune_s, 2),
    }
    if args.device.startswith("cuda"):
        peak = torch.cuda.max_memory_allocated()
        figures.update(
            peak_gpu_gib=round(gib(peak), 2),
            peak_gpu_above_weights_gib=round(gib(peak - resident), 2),
            gpu=torch.cuda.get_device_name(),
        )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
