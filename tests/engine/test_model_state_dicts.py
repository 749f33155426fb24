"""A local model directory loads whichever TransformerLens version wrote its state dict.

Versions differ only in the buffers they derive from the config: 3.9 stores an empty causal mask
and rotary tables of min(n_ctx, 2048) rows, 3.2 an n_ctx x n_ctx mask (1024 x 1024 for GPT-2
sized contexts), some none at all. The files here are built from the installed TransformerLens's
own state dict, with those buffers added, resized, corrupted or removed; every one must give the
same model as the weights alone.
"""

from __future__ import annotations

import shutil
import warnings

import pytest
import torch
from safetensors.torch import load_file, save_file

from inference_worker.engine import EngineError, load_model

TOKENS = torch.tensor([[0, 5, 7, 9, 11, 3]])


def _installed_state_dict(model_dir) -> dict[str, torch.Tensor]:
    """What `save_file(model.state_dict())` writes with the installed TransformerLens: the
    weights of `model_dir` and every buffer this version registers."""
    model = load_model(str(model_dir))
    return {name: tensor.contiguous() for name, tensor in model.state_dict().items()}


def _tl32_buffers(state: dict[str, torch.Tensor], n_layers: int) -> dict[str, torch.Tensor]:
    """Buffers sized as TransformerLens 3.2 stored them for a model with a 1024-token context."""
    rotary_dim = state["blocks.0.attn.rotary_sin"].shape[-1]
    angles = torch.arange(1024.0)[:, None] * torch.rand(rotary_dim)[None, :]
    out = {}
    for layer in range(n_layers):
        out[f"blocks.{layer}.attn.mask"] = torch.tril(torch.ones(1024, 1024, dtype=torch.bool))
        out[f"blocks.{layer}.attn.IGNORE"] = torch.tensor(-1e5)
        out[f"blocks.{layer}.attn.rotary_sin"] = angles.sin()
        out[f"blocks.{layer}.attn.rotary_cos"] = angles.cos()
    return out


def _variants(state: dict[str, torch.Tensor], n_layers: int) -> dict[str, dict]:
    weights = {
        n: t
        for n, t in state.items()
        if not n.endswith(("mask", "IGNORE", "rotary_sin", "rotary_cos"))
    }
    corrupted = {
        n: (torch.full_like(t, 7.0) if t.is_floating_point() else t)
        for n, t in state.items()
        if n not in weights
    }
    return {
        "installed": state,
        "transformer-lens-3.2": {**weights, **_tl32_buffers(state, n_layers)},
        "weights-only": weights,
        "corrupted-buffers": {**weights, **corrupted},
        "some-buffers": {**weights, "blocks.0.attn.mask": torch.ones(3, 5, dtype=torch.bool)},
    }


@pytest.mark.parametrize("arch", ["gemma2", "llama"])
def test_it_loads_state_dicts_of_any_transformer_lens_version(tiny_dirs, arch, tmp_path):
    reference = load_model(str(tiny_dirs[arch]))
    with torch.no_grad():
        expected = reference(TOKENS)
    state = _installed_state_dict(tiny_dirs[arch])
    assert state["blocks.0.attn.mask"].shape == (0, 0)  # the installed version's own buffer
    for name, variant in _variants(state, reference.cfg.n_layers).items():
        model_dir = tmp_path / name
        shutil.copytree(tiny_dirs[arch], model_dir)
        save_file(variant, str(model_dir / "model.safetensors"))
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)
            model = load_model(str(model_dir))
        with torch.no_grad():
            logits = model(TOKENS)
        assert torch.equal(logits, expected), name
        # The buffers are the ones the config derives, never the stored ones.
        attn = model.blocks[0].attn
        assert attn.mask.shape == (0, 0) and attn.IGNORE.item() == float("-inf"), name
        assert torch.equal(attn.rotary_sin, reference.blocks[0].attn.rotary_sin), name


def test_it_still_refuses_weights_that_do_not_fit(tiny_dirs, tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_dirs["gemma2"], model_dir)
    weights = load_file(str(tiny_dirs["gemma2"] / "model.safetensors"))
    bad = {**weights, "blocks.1.attn.W_Q": weights["blocks.1.attn.W_Q"][:, :-1].contiguous()}
    save_file(bad, str(model_dir / "model.safetensors"))
    with pytest.raises(
        EngineError,
        match=r"tensor blocks\.1\.attn\.W_Q has shape \(4, 31, 8\), expected \(4, 32, 8\)",
    ):
        load_model(str(model_dir))
    del weights["unembed.W_U"]
    save_file(weights, str(model_dir / "model.safetensors"))
    with pytest.raises(EngineError, match=r"lacks tensor unembed\.W_U \(1 missing\)"):
        load_model(str(model_dir))
