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
sys.path.insert(0, str(ROOT))

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


def gemma2_config(small: bool, device: str, dtype: torch.dtype):
    from transformer_lens import HookedTransformerConfig
    from transformer_lens.loading_from_pretrained import get_pretrained_model_config

    fields = get_pretrained_model_config("google/gemma-2-2b", device=device).to_dict()
    # derived fields are recomputed from the others; no tokenizer (we pass token ids)
    for derived in ("n_params", "d_vocab_out", "attn_scale", "tokenizer_name"):
        fields.pop(derived, None)
    if small:
        fields.update(SMALL, attn_types=fields["attn_types"][: SMALL["n_layers"]], rotary_dim=64)
    fields.update(device=device, dtype=dtype, init_weights=True, seed=0)
    return HookedTransformerConfig(**fields)


def build_model(cfg):
    from transformer_lens import HookedTransformer

    with torch.device(cfg.device):  # initialise on the device: 10 GB of CPU init is slow
        model = HookedTransformer(cfg, move_to_device=True)
    return model.eval()


def write_gemmascope_set(out: Path, model, tokens: torch.Tensor, d_tc: int, l0: float) -> None:
    """Random GemmaScope-layout transcoders; thresholds from the prompt's pre-activations."""
    import yaml

    names = [f"blocks.{i}.ln2.hook_normalized" for i in range(model.cfg.n_layers)]
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens[None], names_filter=lambda n: n in names)
    d, dev = model.cfg.d_model, tokens.device
    gen = torch.Generator(device=dev).manual_seed(1)
    files = []
    for layer, name in enumerate(names):
        x = cache[name][0, 1:].float()  # position 0 is never a node
        w_enc = torch.randn(d, d_tc, generator=gen, device=dev) / math.sqrt(d)
        b_enc = 0.1 * torch.randn(d_tc, generator=gen, device=dev)
        pre = x @ w_enc + b_enc
        # per-layer cut at the (1 - l0/d_tc) quantile, jittered per feature
        k = max(1, int(pre.numel() * (1.0 - l0 / d_tc)))
        base = pre.flatten().kthvalue(k).values
        thr = base * (1.0 + 0.05 * torch.randn(d_tc, generator=gen, device=dev)).abs()
        w_dec = torch.randn(d_tc, d, generator=gen, device=dev) * (0.5 / math.sqrt(d))
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
    cfg = gemma2_config(args.small, args.device, dtype)
    model = build_model(cfg)
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
