"""Read and write the demo model directory: config.json (HookedTransformerConfig fields),
model.safetensors (the TransformerLens state dict) and the Hugging Face tokenizer files.

This is the same local-directory format the engine's `load_model` reads for any model not on
the hub; the demo package keeps its own small reader so training and evaluation do not depend
on the engine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from transformer_lens import HookedTransformer, HookedTransformerConfig

from inference_worker.demo.tokenizer import load_hf_tokenizer

# Buffers TransformerLens rebuilds from the config; they are not weights.
_DERIVED_BUFFERS = ("attn.mask", "attn.IGNORE", "attn.rotary_sin", "attn.rotary_cos")


def save_model_dir(model: HookedTransformer, config: dict[str, Any], directory: Path) -> None:
    """Write config.json and model.safetensors (float32) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    state = {
        name: tensor.detach().to(torch.float32).contiguous()
        for name, tensor in model.state_dict().items()
        if not name.endswith(_DERIVED_BUFFERS)
    }
    save_file(state, str(directory / "model.safetensors"), metadata={"format": "pt"})


def load_model_dir(directory: Path, *, device: str = "cpu") -> HookedTransformer:
    """The HookedTransformer stored in `directory`, with its tokenizer attached."""
    config = json.loads((directory / "config.json").read_text())
    cfg = HookedTransformerConfig(**{**config, "device": device})
    model = HookedTransformer(cfg, tokenizer=load_hf_tokenizer(directory), move_to_device=False)
    missing, unexpected = model.load_state_dict(
        load_file(str(directory / "model.safetensors")), strict=False
    )
    missing = [name for name in missing if not name.endswith(_DERIVED_BUFFERS)]
    if missing or unexpected:
        raise ValueError(
            f"{directory}: state dict mismatch (missing {missing}, unexpected {unexpected})"
        )
    return model.to(device).eval()
