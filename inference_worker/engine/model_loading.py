"""Load a HookedTransformer from a hub name, a local model directory, or "demo".

Attribution needs the raw weights, so nothing is folded or centred. A local directory holds
`config.json` (HookedTransformerConfig fields), `model.safetensors` (the TransformerLens state
dict) and a Hugging Face tokenizer, loaded through `tokenizer_name=<dir>`. Hub names go through
TransformerLens, which honours `HF_HUB_OFFLINE=1` and then reads only the local cache.

Only the model's parameters are read from `model.safetensors`. Buffers such as the causal mask,
IGNORE and the rotary sin/cos tables are derived from the config, and each TransformerLens
version sizes them its own way (3.2 stores an n_ctx x n_ctx mask, 3.9 an empty one), so a state
dict saved by any version loads: stored buffers are skipped, never checked against ours.

The weights are read one tensor at a time straight into parameters allocated without
TransformerLens's random initialisation (memory nothing has written to is not resident), so a
load holds the model once: a bfloat16 Gemma-2-2B (6.4 GB) no longer peaks at twice that, a
random model beside a whole state dict, and skips the random initialisation's time.

Models whose unembedding is the transposed embedding (Gemma ties them; TransformerLens still
stores a copy) keep one matrix: W_U becomes a view of W_E once every value is found equal, which
saves 1.2 GB on Gemma-2-2B and the contiguous copy of W_U.T that TransformerLens's unembedding
would otherwise make on every forward pass.
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
        model = HookedTransformer.from_pretrained_no_processing(name, device=device, dtype=dtype)
    except (OSError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"cannot load model {name!r}: {first}") from exc
    share_tied_unembedding(model)
    return model


def load_model_dir(path: Path, *, device: str = "cpu", dtype: torch.dtype = torch.float32):
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
    cfg.init_weights = False  # every parameter is overwritten from the file below
    with warnings.catch_warnings():  # TL 3.9 flags HookedTransformer as deprecated; we chose it
        warnings.simplefilter("ignore", DeprecationWarning)
        model = HookedTransformer(cfg, move_to_device=True)
    _copy_stored_weights(model, weights_file)
    share_tied_unembedding(model)
    model.eval()
    return model


# vocabulary rows compared per step: bounds the comparison's temporaries to a few MB
_TIE_CHUNK = 4096


def share_tied_unembedding(model) -> bool:
    """Make W_U a view of W_E.T when the two hold the same values (tied embeddings); True if it
    did. Compared in vocabulary chunks, so no whole-matrix temporary is made."""
    embed, unembed = getattr(model, "embed", None), getattr(model, "unembed", None)
    if embed is None or unembed is None:
        return False
    W_E, W_U = embed.W_E, unembed.W_U
    if W_U.shape != W_E.shape[::-1] or W_U.dtype != W_E.dtype or W_U.device != W_E.device:
        return False
    if W_U.data_ptr() == W_E.data_ptr():
        return True
    with torch.no_grad():
        for start in range(0, W_E.shape[0], _TIE_CHUNK):
            end = start + _TIE_CHUNK
            if not torch.equal(W_U[:, start:end], W_E[start:end].T):
                return False
        unembed.W_U = torch.nn.Parameter(W_E.T, requires_grad=W_U.requires_grad)
    return True


_STORED_DTYPES = {
    "BF16": torch.bfloat16,
    "F16": torch.float16,
    "F32": torch.float32,
    "F64": torch.float64,
}


def _read_header(file, weights_file: Path) -> tuple[dict, int]:
    """The safetensors header (name -> dtype, shape, data_offsets) and where the data starts."""
    size = weights_file.stat().st_size
    n = int.from_bytes(file.read(8), "little") if size >= 8 else -1
    try:
        if not 0 < n <= size - 8:
            raise ValueError(f"header length {n} does not fit a file of {size} bytes")
        header = json.loads(file.read(n))
        header.pop("__metadata__", None)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EngineError(f"{weights_file} is not a safetensors file: {exc}") from exc
    return header, 8 + n


def _copy_stored_weights(model, weights_file: Path) -> None:
    """Read the model's parameters from `weights_file` into them, cast to their dtype, one
    tensor at a time; an EngineError names the first weight that is missing or whose shape
    does not fit. Nothing else stored is looked at, so buffers (config-derived) are left to the
    model whatever their stored shapes. Plain reads, not a memory map: mapped file pages count
    in the process's resident memory for as long as the map lives."""
    with open(weights_file, "rb") as file:
        header, data_start = _read_header(file, weights_file)
        params = dict(model.named_parameters())
        missing = [name for name in params if name not in header]
        if missing:
            raise EngineError(f"{weights_file} lacks tensor {missing[0]} ({len(missing)} missing)")
        for name, param in params.items():
            shape = tuple(header[name].get("shape", ()))
            if shape != tuple(param.shape):
                raise EngineError(
                    f"{weights_file}: tensor {name} has shape {shape}, "
                    f"expected {tuple(param.shape)}"
                )
            if header[name].get("dtype") not in _STORED_DTYPES:
                raise EngineError(
                    f"{weights_file}: tensor {name} is stored as {header[name].get('dtype')}, "
                    f"not one of {', '.join(_STORED_DTYPES)}"
                )
        scratch = torch.empty(0, dtype=torch.uint8)  # one buffer for every cast, not one each
        with torch.no_grad():
            for name, param in params.items():
                begin, end = header[name]["data_offsets"]
                stored = _STORED_DTYPES[header[name]["dtype"]]
                direct = stored == param.dtype and param.device.type == "cpu"
                if direct:
                    target = param.data.view(-1).view(torch.uint8)
                else:
                    if scratch.numel() < end - begin:
                        scratch = torch.empty(end - begin, dtype=torch.uint8)
                    target = scratch[: end - begin]
                file.seek(data_start + begin)
                got = file.readinto(target.numpy())
                if got != end - begin or param.numel() * stored.itemsize != got:
                    raise EngineError(f"{weights_file}: tensor {name} is truncated")
                if not direct:
                    param.copy_(target.view(stored).view(param.shape))
