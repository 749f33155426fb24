"""Load a HookedTransformer from a hub name, a local model directory, or "demo".

Attribution needs the raw weights, so nothing is folded or centred. A local directory holds
`config.json` (HookedTransformerConfig fields), `model.safetensors` (the TransformerLens state
dict) and a Hugging Face tokenizer, loaded through `tokenizer_name=<dir>`. Hub names go through
TransformerLens, which honours `HF_HUB_OFFLINE=1` and then reads only the local cache.

Only the model's parameters are read from `model.safetensors`. Buffers such as the causal mask,
IGNORE and the rotary sin/cos tables are derived from the config, and each TransformerLens
version sizes them its own way (3.2 stores an n_ctx x n_ctx mask, 3.9 an empty one), so a state
dict saved by any version loads: stored buffers are skipped, never checked against ours.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import torch

from .errors import EngineError

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "assets"


def demo_path(name: str) -> Path:
    """The shipped demo asset folder `name` (model, transcoders, clt), or an EngineError."""
    path = DEMO_DIR / name
    if not path.is_dir():
        raise EngineError(
            f"the demo {name} is not installed (expected {path}); "
            "build a tiny one with `python -m inference_worker make-tiny DIR`"
        )
    return path


def parse_dtype(dtype: str | torch.dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    table = {
        "float32": torch.float32,
        "fp32": torch.float32,
        "float64": torch.float64,
        "bfloat16": torch.bfloat16,
        "bf16": torch.bfloat16,
        "float16": torch.float16,
        "fp16": torch.float16,
    }
    if dtype not in table:
        raise EngineError(f"unknown dtype {dtype!r}; use one of {', '.join(table)}")
    return table[dtype]


def load_model(ref: str, *, device: str = "cpu", dtype: torch.dtype | str = torch.float32):
    """Load `ref` ("demo", a local directory or a hub name) as a HookedTransformer."""
    dtype = parse_dtype(dtype)
    if ref == "demo":
        return load_model_dir(demo_path("model"), device=device, dtype=dtype)
    path = Path(ref).expanduser()
    if path.is_dir():
        return load_model_dir(path, device=device, dtype=dtype)
    if path.exists() or ref.startswith((".", "/", "~")) or ref.count("/") > 1:
        raise EngineError(f"model directory not found: {ref}")
    return _load_hub_model(ref, device=device, dtype=dtype)


def _load_hub_model(name: str, *, device: str, dtype: torch.dtype):
    from transformer_lens import HookedTransformer

    try:
        return HookedTransformer.from_pretrained_no_processing(name, device=device, dtype=dtype)
    except (OSError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"cannot load model {name!r}: {first}") from exc


def load_model_dir(path: Path, *, device: str = "cpu", dtype: torch.dtype = torch.float32):
    from safetensors.torch import load_file
    from transformer_lens import HookedTransformer, HookedTransformerConfig

    config_file, weights_file = path / "config.json", path / "model.safetensors"
    for needed in (config_file, weights_file):
        if not needed.is_file():
            raise EngineError(f"model directory {path} has no {needed.name}")
    if not (path / "tokenizer.json").is_file() and not (path / "tokenizer_config.json").is_file():
        raise EngineError(f"model directory {path} has no Hugging Face tokenizer (tokenizer.json)")
    try:
        fields = json.loads(config_file.read_text())
    except json.JSONDecodeError as exc:
        raise EngineError(f"{config_file} is not valid JSON: {exc}") from exc
    fields = {**fields, "tokenizer_name": str(path), "device": device, "dtype": dtype}
    try:
        cfg = HookedTransformerConfig(**fields)
    except TypeError as exc:
        raise EngineError(
            f"{config_file} has a field HookedTransformerConfig does not know: {exc}"
        ) from exc
    with warnings.catch_warnings():  # TL 3.9 flags HookedTransformer as deprecated; we chose it
        warnings.simplefilter("ignore", DeprecationWarning)
        model = HookedTransformer(cfg, move_to_device=True)
    try:
        state = load_file(str(weights_file))
    except Exception as exc:
        raise EngineError(f"{weights_file} is not a safetensors file: {exc}") from exc
    model.load_state_dict(_stored_weights(state, model, weights_file, dtype), strict=False)
    model.eval()
    return model


def _stored_weights(
    state: dict[str, torch.Tensor], model, weights_file: Path, dtype: torch.dtype
) -> dict[str, torch.Tensor]:
    """The model's parameters from `state`, cast to `dtype`; an EngineError names the first
    weight that is missing or whose shape does not fit. Nothing else stored is looked at, so
    buffers (config-derived) are left to the model whatever their stored shapes."""
    params = dict(model.named_parameters())
    missing = [name for name in params if name not in state]
    if missing:
        raise EngineError(f"{weights_file} lacks tensor {missing[0]} ({len(missing)} missing)")
    for name, param in params.items():
        if state[name].shape != param.shape:
            raise EngineError(
                f"{weights_file}: tensor {name} has shape {tuple(state[name].shape)}, "
                f"expected {tuple(param.shape)}"
            )
    return {name: state[name].to(dtype) for name in params}
