"""Random, fixed-seed models and transcoder sets written in Circuitscope's on-disk formats.

Used by scripts/make_reference_fixtures.py (differential fixtures) and by the benchmarks. It runs
under either venv (TransformerLens 3.2.1 in the circuit-tracer oracle venv, 3.9.0 in the product
venv): it only touches `HookedTransformerConfig` fields both versions share.

Formats (ARCHITECTURE.md, "Formats"):
- model dir: config.json (HookedTransformerConfig fields), model.safetensors (TransformerLens
  state dict, parameters only), tokenizer.json + tokenizer_config.json;
- per-layer set: config.yaml + layer_{i}.safetensors (W_enc [d_tc, d_model], W_dec, b_enc, b_dec,
  optional activation_function.threshold and W_skip);
- GemmaScope: config.yaml + layer_{i}/width_{w}/average_l0_{n}/params.npz (W_enc [d_model, d_tc]);
- CLT: config.yaml + W_enc_{i}.safetensors and W_dec_{i}.safetensors.
Paths in a config.yaml are relative to its directory.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from safetensors.torch import save_file

BOS_ID = 1
SPECIAL_TOKENS = ["<pad>", "<bos>", "<eos>", "<unk>"]


def gemma2_config(
    *, n_layers: int = 4, d_model: int = 32, d_vocab: int = 64, n_ctx: int = 64,
    window_size: int = 4, n_heads: int = 4, d_head: int = 8, n_kv: int = 2, d_mlp: int = 64,
) -> dict[str, Any]:
    """A scaled-down Gemma-2: RMS pre+post norms, GQA, gated GELU MLP, rotary, local/global
    attention, attention and output soft-caps."""
    return {
        "model_name": "tiny-gemma2",
        "original_architecture": "Gemma2ForCausalLM",
        "n_layers": n_layers, "d_model": d_model, "d_head": d_head, "n_heads": n_heads,
        "n_key_value_heads": n_kv, "d_mlp": d_mlp, "d_vocab": d_vocab, "n_ctx": n_ctx,
        "eps": 1e-6, "act_fn": "gelu_pytorch_tanh", "normalization_type": "RMS",
        "positional_embedding_type": "rotary", "rotary_base": 10000.0, "rotary_dim": d_head,
        "use_attn_scale": True, "window_size": window_size, "use_local_attn": True,
        "attn_types": (["global", "local"] * n_layers)[:n_layers],
        "attn_scores_soft_cap": 50.0, "output_logits_soft_cap": 30.0, "gated_mlp": True,
        "final_rms": True, "use_normalization_before_and_after": True,
        "default_prepend_bos": False, "tokenizer_prepends_bos": False,
    }


def llama_config(
    *, n_layers: int = 3, d_model: int = 32, d_vocab: int = 64, n_ctx: int = 64,
    n_heads: int = 4, d_head: int = 8, n_kv: int = 2, d_mlp: int = 64,
) -> dict[str, Any]:
    """A scaled-down Llama-3.2: RMS pre-norms, GQA, gated SiLU MLP, rotary with NTK-by-parts."""
    return {
        "model_name": "tiny-llama",
        "original_architecture": "LlamaForCausalLM",
        "n_layers": n_layers, "d_model": d_model, "d_head": d_head, "n_heads": n_heads,
        "n_key_value_heads": n_kv, "d_mlp": d_mlp, "d_vocab": d_vocab, "n_ctx": n_ctx,
        "eps": 1e-5, "act_fn": "silu", "normalization_type": "RMS",
        "positional_embedding_type": "rotary", "rotary_adjacent_pairs": False,
        "rotary_dim": d_head, "rotary_base": 500000.0, "final_rms": True, "gated_mlp": True,
        "use_NTK_by_parts_rope": True, "NTK_by_parts_low_freq_factor": 1.0,
        "NTK_by_parts_high_freq_factor": 4.0, "NTK_by_parts_factor": 32.0,
        "NTK_original_ctx_len": 16,
        "default_prepend_bos": False, "tokenizer_prepends_bos": False,
    }


def write_tokenizer(out: Path, d_vocab: int) -> None:
    """A word-level HF tokenizer: 4 special tokens, then 't4' ... 't{d_vocab-1}'."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    vocab.update({f"t{i}": i for i in range(len(SPECIAL_TOKENS), d_vocab)})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", pad_token="<pad>",
        unk_token="<unk>", model_max_length=1_000_000,
    )
    fast.save_pretrained(str(out))


def write_model_dir(out: Path, cfg_dict: dict[str, Any], seed: int) -> Any:
    """Random weights for `cfg_dict`, written as a local model dir; returns the model (cpu, f32)."""
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    cfg = HookedTransformerConfig(**cfg_dict, device="cpu", dtype=torch.float32, seed=seed)
    model = HookedTransformer(cfg)
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            # norms and biases start at 1 / 0; perturb them so the engine must really use them
            if name.split(".")[-1] == "w":
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif name.split(".")[-1].startswith("b_"):
                p.copy_(0.05 * torch.randn(p.shape, generator=gen))
        # a sharper unembedding, so a few logits carry most of the probability
        model.unembed.W_U.mul_(4.0)
    # parameters only: buffers (causal masks, rotary tables) are derived from the config, and
    # their saved shapes differ between TransformerLens versions (3.9 keeps masks lazily)
    state = {k: v.detach().contiguous().clone() for k, v in model.named_parameters()}
    save_file(state, str(out / "model.safetensors"))
    (out / "config.json").write_text(json.dumps(cfg_dict, indent=2) + "\n")
    write_tokenizer(out, cfg_dict["d_vocab"])
    return model


def hook_inputs(model: Any, tokens: torch.Tensor, hook: str) -> torch.Tensor:
    """[n_layers, pos, d_model] activations at a transcoder input hook of a plain TL model."""
    # c-t's `mlp.hook_in` is the MLP's input: ln2's output, i.e. ln2.hook_normalized (taken
    # before the norm's weight) times ln2.w
    tl_hook = {"mlp.hook_in": "ln2.hook_normalized"}.get(hook, hook)
    names = [f"blocks.{i}.{tl_hook}" for i in range(model.cfg.n_layers)]
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens[None], names_filter=lambda n: n in names)
    acts = [cache[n][0] for n in names]
    if hook == "mlp.hook_in":
        acts = [a * model.blocks[i].ln2.w for i, a in enumerate(acts)]
    return torch.stack(acts).detach()


def calibrate_thresholds(pre: torch.Tensor, l0: float, gen: torch.Generator) -> torch.Tensor:
    """Per-feature thresholds giving about `l0` active features per position, each kept clear of
    every observed pre-activation so that no feature sits on its threshold (a float near-tie would
    make the active set differ between engines for reasons unrelated to attribution)."""
    # pre: [pos, d_tc], position 0 excluded by the caller
    d_tc = pre.shape[1]
    base = torch.quantile(pre.flatten(), 1.0 - l0 / d_tc)
    thr = base * (1.0 + 0.1 * torch.randn(d_tc, generator=gen)).abs()
    scale = pre.abs().max().item()
    for f in range(d_tc):
        vals = torch.sort(pre[:, f]).values
        t = thr[f].item()
        close = (vals - t).abs() < 1e-3 * scale
        if close.any():
            # move to the middle of the widest gap around the clash
            i = int(torch.nonzero(close)[0])
            lo = vals[i - 1].item() if i > 0 else vals[i].item() - 0.1 * scale
            thr[f] = 0.5 * (lo + vals[i].item())
    return thr


def _rand(gen: torch.Generator, *shape: int, std: float) -> torch.Tensor:
    return (std * torch.randn(*shape, generator=gen)).contiguous()


def write_config_yaml(out: Path, fields: dict[str, Any]) -> None:
    (out / "config.yaml").write_text(yaml.safe_dump(fields, sort_keys=False))


def write_plt(
    out: Path, model: Any, tokens: torch.Tensor, *, d_tc: int, l0: float, seed: int,
    jumprelu: bool, skip: bool, input_hook: str, output_hook: str,
) -> None:
    """Per-layer transcoders (circuit-tracer safetensors layout)."""
    out.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)
    d = model.cfg.d_model
    x = hook_inputs(model, tokens, input_hook)
    files = []
    for layer in range(model.cfg.n_layers):
        w_enc = _rand(gen, d_tc, d, std=1.0 / math.sqrt(d))
        b_enc = _rand(gen, d_tc, std=0.1)
        pre = x[layer, 1:] @ w_enc.T + b_enc
        thr = calibrate_thresholds(pre, l0, gen)
        tensors = {"W_enc": w_enc, "W_dec": _rand(gen, d_tc, d, std=0.5 / math.sqrt(d)),
                   "b_dec": _rand(gen, d, std=0.05)}
        if jumprelu:
            tensors["b_enc"] = b_enc
            tensors["activation_function.threshold"] = thr.contiguous()
        else:
            tensors["b_enc"] = (b_enc - thr).contiguous()  # ReLU: the threshold moves into the bias
        if skip:
            tensors["W_skip"] = _rand(gen, d, d, std=0.3 / math.sqrt(d))
        name = f"layer_{layer}.safetensors"
        save_file(tensors, str(out / name))
        files.append(name)
    write_config_yaml(out, {
        "model_kind": "transcoder_set", "feature_input_hook": input_hook,
        "feature_output_hook": output_hook, "transcoders": files,
    })


def write_gemmascope(
    out: Path, model: Any, tokens: torch.Tensor, *, d_tc: int, l0: float, seed: int,
) -> None:
    """GemmaScope params.npz per layer (W_enc stored [d_model, d_tc])."""
    gen = torch.Generator().manual_seed(seed)
    d = model.cfg.d_model
    x = hook_inputs(model, tokens, "ln2.hook_normalized")
    files = []
    for layer in range(model.cfg.n_layers):
        w_enc = _rand(gen, d_tc, d, std=1.0 / math.sqrt(d))
        b_enc = _rand(gen, d_tc, std=0.1)
        thr = calibrate_thresholds(x[layer, 1:] @ w_enc.T + b_enc, l0, gen)
        rel = f"layer_{layer}/width_{d_tc}/average_l0_{round(l0)}/params.npz"
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        np.savez(
            out / rel, W_enc=w_enc.T.contiguous().numpy(),
            W_dec=_rand(gen, d_tc, d, std=0.5 / math.sqrt(d)).numpy(),
            b_enc=b_enc.numpy(), b_dec=_rand(gen, d, std=0.05).numpy(), threshold=thr.numpy(),
        )
        files.append(rel)
    write_config_yaml(out, {
        "model_kind": "transcoder_set", "feature_input_hook": "ln2.hook_normalized",
        "feature_output_hook": "hook_mlp_out", "transcoders": files,
    })


def write_clt(
    out: Path, model: Any, tokens: torch.Tensor, *, d_tc: int, l0: float, seed: int,
    input_hook: str = "hook_resid_mid", output_hook: str = "hook_mlp_out",
) -> None:
    """A JumpReLU cross-layer transcoder: layer i's features decode into every layer >= i."""
    out.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)
    d, n = model.cfg.d_model, model.cfg.n_layers
    x = hook_inputs(model, tokens, input_hook)
    for i in range(n):
        # resid_mid is not normalised: scale the encoder to the stream's typical norm
        w_enc = _rand(gen, d_tc, d, std=1.0) / x[i, 1:].norm(dim=-1).mean()
        b_enc = _rand(gen, d_tc, std=0.1)
        thr = calibrate_thresholds(x[i, 1:] @ w_enc.T + b_enc, l0, gen)
        save_file({f"W_enc_{i}": w_enc.contiguous(), f"b_enc_{i}": b_enc,
                   f"b_dec_{i}": _rand(gen, d, std=0.05), f"threshold_{i}": thr.contiguous()},
                  str(out / f"W_enc_{i}.safetensors"))
        save_file({f"W_dec_{i}": _rand(gen, d_tc, n - i, d, std=0.5 / math.sqrt(d))},
                  str(out / f"W_dec_{i}.safetensors"))
    write_config_yaml(out, {
        "model_kind": "cross_layer_transcoder", "feature_input_hook": input_hook,
        "feature_output_hook": output_hook,
    })


def load_plain_model(model_dir: Path) -> Any:
    """A plain TransformerLens model from one of our model dirs (for calibrating thresholds)."""
    from safetensors.torch import load_file
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    cfg_dict = json.loads((model_dir / "config.json").read_text())
    model = HookedTransformer(HookedTransformerConfig(**cfg_dict, device="cpu",
                                                      dtype=torch.float32))
    model.load_state_dict(load_file(str(model_dir / "model.safetensors")), strict=False)
    return model
