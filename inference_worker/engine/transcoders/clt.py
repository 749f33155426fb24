"""Cross-layer transcoders (CLT) in circuit-tracer's layout.

Files per layer i: `W_enc_{i}.safetensors` with W_enc_{i} [d_tc, d_model], b_enc_{i} [d_tc],
b_dec_{i} [d_model] (the bias of layer i's reconstruction), optional threshold_{i} [d_tc]; and
`W_dec_{i}.safetensors` with W_dec_{i} [d_tc, n_layers - i, d_model], whose slot j writes to layer
i + j. Decoders are read lazily, only for the rows of active features, so a large CLT costs the
encoders' memory and not the decoders'.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..errors import EngineError
from .base import SetInfo, TranscoderBase, jump_relu
from .shapes import check_shape


class CrossLayerTranscoder(TranscoderBase):
    def __init__(
        self,
        directory: Path,
        n_layers: int,
        *,
        d_model: int | None,
        feature_input_hook: str,
        feature_output_hook: str,
        info: SetInfo | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        from safetensors.torch import load_file

        self.directory = directory
        self.n_layers = n_layers
        self.feature_input_hook = feature_input_hook
        self.feature_output_hook = feature_output_hook
        self.info = info or SetInfo()
        self.W_enc, self.b_enc, self.b_dec, self.threshold = [], [], [], []
        for i in range(n_layers):
            path = directory / f"W_enc_{i}.safetensors"
            if not path.is_file():
                raise EngineError(f"cross-layer transcoder file missing: {path}")
            try:
                raw = load_file(str(path))
            except Exception as exc:
                raise EngineError(f"{path} is not a readable safetensors file: {exc}") from exc
            for key in (f"W_enc_{i}", f"b_enc_{i}", f"b_dec_{i}"):
                if key not in raw:
                    raise EngineError(f"{path} lacks tensor {key} (not a CLT encoder file)")
            W_enc = raw[f"W_enc_{i}"]
            d_tc = W_enc.shape[0] if i == 0 else self.d_transcoder
            dm = d_model if d_model is not None else W_enc.shape[-1]
            self.d_transcoder, self.d_model = d_tc, dm
            check_shape(path, f"W_enc_{i}", W_enc, (d_tc, dm))
            check_shape(path, f"b_enc_{i}", raw[f"b_enc_{i}"], (d_tc,))
            check_shape(path, f"b_dec_{i}", raw[f"b_dec_{i}"], (dm,))
            threshold = raw.get(f"threshold_{i}")
            if threshold is not None:
                check_shape(path, f"threshold_{i}", threshold, (d_tc,))
                threshold = threshold.to(dtype)
            self.W_enc.append(W_enc.to(dtype))
            self.b_enc.append(raw[f"b_enc_{i}"].to(dtype))
            self.b_dec.append(raw[f"b_dec_{i}"].to(dtype))
            self.threshold.append(threshold)
            self._check_decoder(i)
        self._device: torch.device = torch.device("cpu")
        self._dtype = dtype

    def _decoder_path(self, layer: int) -> Path:
        return self.directory / f"W_dec_{layer}.safetensors"

    def _check_decoder(self, i: int) -> None:
        from safetensors import safe_open

        path = self._decoder_path(i)
        if not path.is_file():
            raise EngineError(f"cross-layer transcoder file missing: {path}")
        try:
            with safe_open(str(path), framework="pt") as f:
                if f"W_dec_{i}" not in f.keys():  # noqa: SIM118 (safe_open has no __contains__)
                    raise EngineError(f"{path} lacks tensor W_dec_{i} (not a CLT decoder file)")
                shape = tuple(f.get_slice(f"W_dec_{i}").get_shape())
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"{path} is not a readable safetensors file: {exc}") from exc
        expected = (self.d_transcoder, self.n_layers - i, self.d_model)
        if shape != expected:
            raise EngineError(f"{path}: tensor W_dec_{i} has shape {shape}, expected {expected}")

    def encode(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        pre = torch.nn.functional.linear(
            x.to(self.W_enc[layer].dtype), self.W_enc[layer], self.b_enc[layer]
        )
        return jump_relu(pre, self.threshold[layer])

    def encoder_rows(self, layer: int, idx: torch.Tensor) -> torch.Tensor:
        return self.W_enc[layer][idx]

    def decoder_rows(self, layer: int, idx: torch.Tensor) -> torch.Tensor:
        from safetensors import safe_open

        with safe_open(str(self._decoder_path(layer)), framework="pt") as f:
            sl = f.get_slice(f"W_dec_{layer}")
            rows = idx.cpu().tolist()
            if not rows:
                return torch.zeros(
                    0, self.n_layers - layer, self.d_model, dtype=self._dtype, device=self._device
                )
            # One contiguous read per run of features keeps this fast for sorted indices.
            out = (
                torch.stack([sl[r] for r in rows])
                if len(rows) < 64
                else sl[min(rows) : max(rows) + 1][torch.tensor(rows) - min(rows)]
            )
        return out.to(device=self._device, dtype=self._dtype)

    def output_bias(self, layer: int) -> torch.Tensor:
        return self.b_dec[layer]

    def to(self, device, dtype):
        super().to(device, dtype)
        self._device, self._dtype = torch.device(device), dtype
        return self
