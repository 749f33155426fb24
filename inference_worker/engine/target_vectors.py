"""Reading direction targets from a file (the CLI's `--target-vectors`).

Three layouts, one target per row of `vectors` [n, d_model] (a single [d_model] vector is one
target):
- `.safetensors`: tensor `vectors`, optional `weights` [n]; labels as a JSON list under the
  file's metadata key `labels`.
- `.npz`: arrays `vectors`, optional `weights` [n] and `labels` [n] (strings).
- `.npy`: the `vectors` array alone.
Labels default to "vector 1" ... "vector n", weights to 1. Pickled arrays are never loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .errors import EngineError
from .targets import CustomTarget


def read_target_vectors(path: str | Path, d_model: int) -> list[CustomTarget]:
    path = Path(path).expanduser()
    if not path.is_file():
        raise EngineError(f"target vectors file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".safetensors":
        vectors, weights, labels = _read_safetensors(path)
    elif suffix in (".npz", ".npy"):
        vectors, weights, labels = _read_numpy(path)
    else:
        raise EngineError(f"{path}: target vectors must be a .safetensors, .npz or .npy file")
    if vectors.ndim == 1:
        vectors = vectors[None]
    if vectors.ndim != 2 or vectors.shape[1] != d_model or vectors.shape[0] == 0:
        raise EngineError(
            f"{path}: vectors has shape {tuple(vectors.shape)}, expected (n, {d_model}): "
            f"one vector of the model's d_model ({d_model}) per target"
        )
    n = vectors.shape[0]
    if weights is None:
        weights = [1.0] * n
    if len(weights) != n:
        raise EngineError(f"{path}: {len(weights)} weights for {n} vectors")
    if labels is None:
        labels = [f"vector {i + 1}" for i in range(n)]
    if len(labels) != n or not all(isinstance(label, str) for label in labels):
        raise EngineError(f"{path}: labels must be {n} strings, one per vector")
    return [
        CustomTarget(label, float(weight), vector)
        for label, weight, vector in zip(labels, weights, vectors, strict=True)
    ]


def _read_safetensors(path: Path):
    from safetensors import safe_open

    try:
        with safe_open(str(path), "pt") as handle:
            keys = set(handle.keys())
            metadata = handle.metadata() or {}
            if "vectors" not in keys:
                raise EngineError(f"{path} has no tensor named 'vectors' (it has {sorted(keys)})")
            vectors = handle.get_tensor("vectors")
            weights = handle.get_tensor("weights").reshape(-1) if "weights" in keys else None
    except EngineError:
        raise
    except Exception as exc:
        raise EngineError(f"{path} is not a readable safetensors file: {exc}") from exc
    if not vectors.is_floating_point():
        raise EngineError(f"{path}: vectors must be floating point, not {vectors.dtype}")
    labels = None
    if "labels" in metadata:
        try:
            labels = json.loads(metadata["labels"])
        except ValueError as exc:
            raise EngineError(f"{path}: the metadata 'labels' is not a JSON list: {exc}") from exc
        if not isinstance(labels, list):
            raise EngineError(f"{path}: the metadata 'labels' is not a JSON list")
    return vectors, None if weights is None else weights.tolist(), labels


def _read_numpy(path: Path):
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.ndarray):
            arrays = {"vectors": loaded}
        else:
            with loaded:
                arrays = {name: loaded[name] for name in loaded.files}
    except Exception as exc:  # a pickled array is refused here too
        raise EngineError(f"{path} is not a readable numpy file: {exc}") from exc
    if "vectors" not in arrays:
        raise EngineError(f"{path} has no array named 'vectors' (it has {sorted(arrays)})")
    vectors = arrays["vectors"]
    if vectors.dtype.kind != "f":
        raise EngineError(f"{path}: vectors must be floating point, not {vectors.dtype}")
    weights = arrays["weights"].reshape(-1).tolist() if "weights" in arrays else None
    labels = [str(label) for label in arrays["labels"].reshape(-1)] if "labels" in arrays else None
    return torch.from_numpy(np.ascontiguousarray(vectors)), weights, labels
