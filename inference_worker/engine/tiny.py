"""Tiny random models and transcoder sets on disk: what `python -m inference_worker make-tiny`
writes (a model to try the engine on without downloading one), and what tests and benchmarks
build.

`build_tiny_model_dir` writes a complete local model directory (config.json with
HookedTransformerConfig fields, model.safetensors with the TransformerLens state dict, and a
word-level Hugging Face tokenizer); `build_tiny_transcoders` writes a transcoder set for it in any
of the on-disk formats the engine reads. Everything is seeded, so a test can rebuild the same files.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from safetensors.torch import save_file

WORDS = ["the", "a", "an", "of", "to", "in", "is", "was", "and", "that", "it", "for", "on", "with", "as", "at", "by", "from", "this", "be", "are", "or", "his", "her", "capital", "city", "state", "country", "France", "Paris", "Texas", "Austin", "Dallas", "Germany", "Berlin", "Spain", "Madrid", "opposite", "small", "large", "big", "little", "hot", "cold", "up", "down", "good", "bad", "fact", "Michael", "Jordan", "plays", "basketball", "football", "game", "sport", "team", "player", "river", "mountain", "sea", "blue", "red", "green", "one", "two", "three", "four", "five", "cat", "dog", "house", "tree", "sun", "moon", "day", "night", ".", ",", ":", "?", "!"]  # fmt: skip
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]


def _gemma2_config(vocab: int, tokenizer_dir: str) -> dict[str, Any]:
    return {
        "model_name": "tiny-gemma2",
        "original_architecture": "Gemma2ForCausalLM",
        "n_layers": 4,
        "d_model": 32,
        "d_head": 8,
        "n_heads": 4,
        "n_key_value_heads": 2,
        "d_mlp": 64,
        "d_vocab": vocab,
        "n_ctx": 64,
        "act_fn": "gelu_pytorch_tanh",
        "normalization_type": "RMSPre",
        "use_normalization_before_and_after": True,
        "positional_embedding_type": "rotary",
        "rotary_dim": 8,
        "rotary_base": 10000.0,
        "gated_mlp": True,
        "final_rms": True,
        "use_attn_scale": True,
        "use_local_attn": True,
        "window_size": 4,
        "attn_types": ["local", "global", "local", "global"],
        "attn_scores_soft_cap": 50.0,
        "output_logits_soft_cap": 30.0,
        "eps": 1e-6,
        "tokenizer_name": tokenizer_dir,
        "default_prepend_bos": False,
    }


def _llama_config(vocab: int, tokenizer_dir: str) -> dict[str, Any]:
    return {
        "model_name": "tiny-llama",
        "original_architecture": "LlamaForCausalLM",
        "n_layers": 3,
        "d_model": 32,
        "d_head": 8,
        "n_heads": 4,
        "n_key_value_heads": 2,
        "d_mlp": 64,
        "d_vocab": vocab,
        "n_ctx": 64,
        "act_fn": "silu",
        "normalization_type": "RMS",
        "positional_embedding_type": "rotary",
        "rotary_dim": 8,
        "rotary_adjacent_pairs": False,
        "gated_mlp": True,
        "final_rms": True,
        "eps": 1e-5,
        "tokenizer_name": tokenizer_dir,
        "default_prepend_bos": False,
    }


def write_word_tokenizer(path: Path, words: tuple[str, ...] | list[str] = WORDS) -> int:
    """Write a word-level HF tokenizer (tokenizer.json + tokenizer_config.json); return its size."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {tok: i for i, tok in enumerate([*SPECIALS, *dict.fromkeys(words)])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tok.add_special_tokens(SPECIALS)
    path.mkdir(parents=True, exist_ok=True)
    tok.save(str(path / "tokenizer.json"))
    (path / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "PreTrainedTokenizerFast",
                "bos_token": "<bos>",
                "eos_token": "<eos>",
                "pad_token": "<pad>",
                "unk_token": "<unk>",
                "model_max_length": 64,
                "clean_up_tokenization_spaces": False,
            },
            indent=2,
        )
    )
    return len(vocab)


def build_tiny_model_dir(
    path: str | Path, arch: str = "gemma2", seed: int = 0, dims: dict[str, Any] | None = None
) -> Path:
    """Write a tiny random `arch` ("gemma2" or "llama") model directory and return its path.

    `dims` overrides config fields (e.g. {"n_layers": 8, "d_model": 128, "n_ctx": 2048}) for
    benchmarks; `attn_types` follows n_layers automatically."""
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    path = Path(path)
    vocab = write_word_tokenizer(path)
    if arch == "gemma2":
        cfg_dict = _gemma2_config(vocab, str(path))
    elif arch == "llama":
        cfg_dict = _llama_config(vocab, str(path))
    else:
        raise ValueError(f"unknown tiny architecture {arch!r}")
    cfg_dict.update(dims or {})
    if "attn_types" in cfg_dict:
        cfg_dict["attn_types"] = (["local", "global"] * cfg_dict["n_layers"])[
            : cfg_dict["n_layers"]
        ]
    cfg = HookedTransformerConfig(**{**cfg_dict, "tokenizer_name": None, "seed": seed})
    with warnings.catch_warnings():  # TL 3.9 flags HookedTransformer as deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        model = HookedTransformer(cfg)
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for name, tensor in model.state_dict().items():
        if not tensor.is_floating_point() or name.endswith(
            ("IGNORE", "mask", "rotary_sin", "rotary_cos")
        ):
            continue
        if ".ln" in name or name.startswith("ln_final"):
            value = 1.0 + 0.1 * torch.randn(tensor.shape, generator=gen)
        elif name.split(".")[-1].startswith("b_"):
            value = 0.02 * torch.randn(tensor.shape, generator=gen)
        else:
            value = (
                torch.randn(tensor.shape, generator=gen)
                / max(1, tensor.shape[-2] if tensor.ndim > 1 else 1) ** 0.5
            )
        state[name] = value.contiguous()
    # The embedding carries unit-scale rows so that the residual stream is not dominated by noise.
    state["embed.W_E"] = torch.randn(state["embed.W_E"].shape, generator=gen).contiguous()
    save_file(state, str(path / "model.safetensors"))
    (path / "config.json").write_text(
        json.dumps({k: v for k, v in cfg_dict.items() if k != "tokenizer_name"}, indent=2)
    )
    return path


def _model_dims(model_dir: Path) -> tuple[int, int, bool]:
    cfg = json.loads((Path(model_dir) / "config.json").read_text())
    return cfg["n_layers"], cfg["d_model"], cfg.get("normalization_type") == "RMSPre"


def _encoder(
    gen: torch.Generator, d_tc: int, d_model: int, bias: float
) -> tuple[torch.Tensor, torch.Tensor]:
    W_enc = torch.randn(d_tc, d_model, generator=gen) / d_model**0.5
    b_enc = bias + 0.1 * torch.randn(d_tc, generator=gen)
    return W_enc.contiguous(), b_enc


def build_tiny_transcoders(
    path: str | Path,
    model_dir: str | Path,
    kind: str = "plt",
    seed: int = 0,
    d_transcoder: int = 48,
    jumprelu: bool = True,
    enc_bias: float = -0.3,
    hooks: tuple[str, str] | None = None,
) -> Path:
    """Write a tiny transcoder set for the model in `model_dir`.

    kind: "plt" (circuit-tracer per-layer safetensors), "plt-skip" (the same with W_skip),
    "clt" (cross-layer W_enc_i/W_dec_i files) or "gemmascope" (params.npz per layer).
    `enc_bias` sets the mean encoder bias, hence the density (about -2.3 gives ~1% active).
    `hooks` overrides the (input, output) hook names, e.g. circuit-tracer's mlp.hook_in/hook_out.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    n_layers, d_model, rms_pre = _model_dims(Path(model_dir))
    gen = torch.Generator().manual_seed(1000 + seed)
    # Gemma-2 sets read the normalised pre-MLP residual (as GemmaScope); llama sets the residual.
    in_hook, out_hook = hooks or (
        "ln2.hook_normalized" if rms_pre else "hook_resid_mid",
        "hook_mlp_out",
    )
    hooks = {"feature_input_hook": in_hook, "feature_output_hook": out_hook}
    if kind == "clt":
        files = []
        for i in range(n_layers):
            W_enc, b_enc = _encoder(gen, d_transcoder, d_model, enc_bias)
            enc = {
                f"W_enc_{i}": W_enc,
                f"b_enc_{i}": b_enc,
                f"b_dec_{i}": 0.02 * torch.randn(d_model, generator=gen),
            }
            if jumprelu:
                enc[f"threshold_{i}"] = 0.05 + 0.05 * torch.rand(d_transcoder, generator=gen)
            W_dec = (
                torch.randn(d_transcoder, n_layers - i, d_model, generator=gen) / d_transcoder**0.5
            )
            save_file(enc, str(path / f"W_enc_{i}.safetensors"))
            save_file({f"W_dec_{i}": W_dec.contiguous()}, str(path / f"W_dec_{i}.safetensors"))
            files.append(f"W_enc_{i}.safetensors")
        config = {"model_kind": "cross_layer_transcoder", **hooks, "scan": "tiny-clt"}
    elif kind in ("plt", "plt-skip", "gemmascope"):
        files = []
        for i in range(n_layers):
            W_enc, b_enc = _encoder(gen, d_transcoder, d_model, enc_bias)
            W_dec = (
                torch.randn(d_transcoder, d_model, generator=gen) / d_transcoder**0.5
            ).contiguous()
            b_dec = 0.02 * torch.randn(d_model, generator=gen)
            threshold = 0.05 + 0.05 * torch.rand(d_transcoder, generator=gen)
            if kind == "gemmascope":
                layer_dir = path / f"layer_{i}" / "width_16k" / "average_l0_20"
                layer_dir.mkdir(parents=True, exist_ok=True)
                np.savez(
                    layer_dir / "params.npz",
                    W_enc=W_enc.T.contiguous().numpy(),
                    W_dec=W_dec.numpy(),
                    b_enc=b_enc.numpy(),
                    b_dec=b_dec.numpy(),
                    threshold=threshold.numpy(),
                )
                files.append(f"layer_{i}/width_16k/average_l0_20/params.npz")
                continue
            tensors = {"W_enc": W_enc, "W_dec": W_dec, "b_enc": b_enc, "b_dec": b_dec}
            if jumprelu:
                tensors["activation_function.threshold"] = threshold
            if kind == "plt-skip":
                tensors["W_skip"] = (
                    0.1 * torch.randn(d_model, d_model, generator=gen)
                ).contiguous()
            save_file(tensors, str(path / f"layer_{i}.safetensors"))
            files.append(f"layer_{i}.safetensors")
        config = {"model_kind": "transcoder_set", **hooks, "scan": f"tiny-{kind}"}
    else:
        raise ValueError(f"unknown transcoder kind {kind!r}")
    config["transcoders"] = files
    (path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return path
