"""Per-layer transcoders (PLT): circuit-tracer safetensors files and GemmaScope params.npz.

circuit-tracer layout, one file per layer: W_enc [d_tc, d_model], W_dec [d_tc, d_model],
b_enc [d_tc], b_dec [d_model], optional activation_function.threshold [d_tc] (JumpReLU; absent
means ReLU), optional W_skip [d_model, d_model] applied as x @ W_skip.T.
GemmaScope layout: params.npz with W_enc [d_model, d_tc] (transposed here), W_dec, b_enc, b_dec,
threshold. Its decoders stay on disk and only the rows asked for are read (npz_rows.py), as the
cross-layer transcoder's are: attribution needs those of the active features alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..errors import EngineError
from .base import SetInfo, TranscoderBase, jump_relu
from .npz_rows import StoredRows


class TranscoderSet(TranscoderBase):
    def __init__(
        self,
        layers: list[dict[str, torch.Tensor]],
        *,
        feature_input_hook: str,
        feature_output_hook: str,
        info: SetInfo | None = None,
    ) -> None:
        self.n_layers = len(layers)
        self.W_enc = [t["W_enc"] for t in layers]
        self.W_dec: list[torch.Tensor | StoredRows] = [t["W_dec"] for t in layers]
        self.b_enc = [t["b_enc"] for t in layers]
        self.b_dec = [t["b_dec"] for t in layers]
        self.threshold = [t.get("threshold") for t in layers]
        self.W_skip = [t.get("W_skip") for t in layers]
        self.d_transcoder, self.d_model = self.W_enc[0].shape
        self.feature_input_hook = feature_input_hook
        self.feature_output_hook = feature_output_hook
        self.info = info or SetInfo()
        self._device, self._dtype = self.b_dec[0].device, self.b_dec[0].dtype
        if len({w is None for w in self.W_skip}) > 1:
            raise EngineError("W_skip must be present in every layer's file or in none")

    @property
    def has_skip(self) -> bool:
        return self.W_skip[0] is not None

    def encode(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        pre = torch.nn.functional.linear(
            x.to(self.W_enc[layer].dtype), self.W_enc[layer], self.b_enc[layer]
        )
        return jump_relu(pre, self.threshold[layer])

    def encoder_rows(self, layer: int, idx: torch.Tensor) -> torch.Tensor:
        return self.W_enc[layer][idx]

    def decoder_rows(self, layer: int, idx: torch.Tensor) -> torch.Tensor:
        stored = self.W_dec[layer]
        if isinstance(stored, StoredRows):
            rows = torch.from_numpy(stored.rows(idx.cpu().tolist()))
            return rows.to(device=self._device, dtype=self._dtype).unsqueeze(1)
        return stored[idx].unsqueeze(1)

    def to(self, device: str | torch.device, dtype: torch.dtype) -> TranscoderSet:
        super().to(device, dtype)
        self._device, self._dtype = torch.device(device), dtype
        return self

    def output_bias(self, layer: int) -> torch.Tensor:
        return self.b_dec[layer]

    def skip(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        if self.W_skip[layer] is None:
            raise ValueError("this transcoder set has no skip connection")
        return x @ self.W_skip[layer].T


def _tensor(value, dtype: torch.dtype) -> torch.Tensor:
    return torch.as_tensor(np.asarray(value) if not isinstance(value, torch.Tensor) else value).to(
        dtype
    )


def load_circuit_tracer_file(path: Path, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        raw = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise EngineError(f"{path} is not a readable safetensors file: {exc}") from exc
    for key in ("W_enc", "W_dec", "b_enc", "b_dec"):
        if key not in raw:
            raise EngineError(f"{path} lacks tensor {key} (not a circuit-tracer transcoder file)")
    out = {k: raw[k].to(dtype) for k in ("W_enc", "W_dec", "b_enc", "b_dec")}
    if "activation_function.threshold" in raw:
        out["threshold"] = raw["activation_function.threshold"].to(dtype)
    if "W_skip" in raw:
        out["W_skip"] = raw["W_skip"].to(dtype)
    out["_file"] = path  # type: ignore[assignment]
    return out


def load_gemmascope_file(path: Path, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    decoder = StoredRows.locate(path, "W_dec")
    try:
        with np.load(path) as raw:
            names = raw.files
            arrays = {k: raw[k] for k in names if not (k == "W_dec" and decoder is not None)}
    except (OSError, ValueError) as exc:
        raise EngineError(f"{path} is not a readable npz file: {exc}") from exc
    for key in ("W_enc", "W_dec", "b_enc", "b_dec", "threshold"):
        if key not in names:
            raise EngineError(f"{path} lacks array {key} (not a GemmaScope params.npz)")
    # GemmaScope stores the encoder as [d_model, d_tc]; we keep [d_tc, d_model] everywhere.
    out = {
        "W_enc": _tensor(arrays["W_enc"], dtype).T.contiguous(),
        "W_dec": decoder if decoder is not None else _tensor(arrays["W_dec"], dtype),
        "b_enc": _tensor(arrays["b_enc"], dtype),
        "b_dec": _tensor(arrays["b_dec"], dtype),
        "threshold": _tensor(arrays["threshold"], dtype),
    }
    out["_file"] = path  # type: ignore[assignment]
    return out
