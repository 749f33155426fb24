"""Write (and read back, for metrics) the demo transcoders in the shipped on-disk formats.

- per-layer set, GemmaScope style: `layer_{l}/params.npz` with W_enc [d_model, d_tc], W_dec
  [d_tc, d_model], b_enc, b_dec, threshold; `config.yaml` with `model_kind: transcoder_set`.
- cross-layer transcoder: `W_enc_{i}.safetensors` (W_enc_i [d_tc, d_model], b_enc_i, b_dec_i,
  threshold_i) and `W_dec_{i}.safetensors` (W_dec_i [d_tc, n_layers - i, d_model]);
  `config.yaml` with `model_kind: cross_layer_transcoder`.
Hook names follow circuit-tracer's convention: relative to `blocks.{l}.`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import yaml
from safetensors.torch import load_file, save_file

from inference_worker.demo.transcoder_modules import CrossLayerTranscoder, PerLayerTranscoders

INPUT_HOOK = "ln2.hook_normalized"
OUTPUT_HOOK = "hook_mlp_out"


@dataclass
class TranscoderWeights:
    """Either kind, as plain tensors. W_dec[i] is [d_tc, n_out_i, d_model]: n_out_i is 1 for a
    per-layer set and n_layers - i for a CLT (output j = i + k for column k)."""

    kind: str  # "transcoder_set" | "cross_layer_transcoder"
    W_enc: torch.Tensor  # [n_layers, d_tc, d_model]
    b_enc: torch.Tensor  # [n_layers, d_tc]
    threshold: torch.Tensor  # [n_layers, d_tc]
    W_dec: list[torch.Tensor]
    b_dec: torch.Tensor  # [n_layers, d_model]

    @property
    def n_layers(self) -> int:
        return self.W_enc.shape[0]

    def encode(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        """JumpReLU activations of layer `layer`'s features for inputs x [..., d_model]."""
        pre = x @ self.W_enc[layer].T + self.b_enc[layer]
        return pre * (pre > self.threshold[layer])

    def decode(self, layer: int, acts: list[torch.Tensor]) -> torch.Tensor:
        """Layer `layer`'s MLP-output reconstruction from the activations [..., d_tc] of layers
        0..layer (a per-layer set only uses its own layer's)."""
        out = self.b_dec[layer].expand(*acts[layer].shape[:-1], -1)
        for i in range(layer + 1):
            if self.W_dec[i].shape[1] > layer - i:
                out = out + acts[i] @ self.W_dec[i][:, layer - i]
        return out


def save_per_layer(module: PerLayerTranscoders, directory: Path, *, model_name: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    enc = module.encoders
    files = []
    for layer in range(enc.W_enc.shape[0]):
        path = directory / f"layer_{layer}" / "params.npz"
        path.parent.mkdir(exist_ok=True)
        arrays = {
            "W_enc": enc.W_enc[layer].detach().T.contiguous(),
            "W_dec": module.W_dec[layer].detach(),
            "b_enc": enc.b_enc[layer].detach(),
            "b_dec": module.b_dec[layer].detach(),
            "threshold": enc.thresholds()[layer].detach(),
        }
        np.savez(path, **{k: v.float().numpy() for k, v in arrays.items()})
        files.append(f"layer_{layer}/params.npz")
    _write_config(directory, "transcoder_set", model_name, transcoders=files)


def save_clt(module: CrossLayerTranscoder, directory: Path, *, model_name: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    enc = module.encoders
    for i in range(module.n_layers):
        save_file(
            {
                f"W_enc_{i}": enc.W_enc[i].detach().contiguous(),
                f"b_enc_{i}": enc.b_enc[i].detach().contiguous(),
                f"b_dec_{i}": module.b_dec[i].detach().contiguous(),
                f"threshold_{i}": enc.thresholds()[i].detach().contiguous(),
            },
            str(directory / f"W_enc_{i}.safetensors"),
        )
        save_file(
            {f"W_dec_{i}": module.W_dec[i].detach().contiguous()},
            str(directory / f"W_dec_{i}.safetensors"),
        )
    _write_config(
        directory,
        "cross_layer_transcoder",
        model_name,
        n_layers=module.n_layers,
        d_model=enc.W_enc.shape[2],
        d_transcoder=enc.W_enc.shape[1],
    )


def _write_config(directory: Path, kind: str, model_name: str, **extra) -> None:
    config = {
        "model_name": model_name,
        "model_kind": kind,
        "feature_input_hook": INPUT_HOOK,
        "feature_output_hook": OUTPUT_HOOK,
        "scan": f"{model_name}/{directory.name}",
        **extra,
    }
    (directory / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def load_weights(directory: Path) -> TranscoderWeights:
    """Read either shipped format back into plain tensors (float32)."""
    config = yaml.safe_load((directory / "config.yaml").read_text())
    if config["model_kind"] == "transcoder_set":
        layers = [np.load(directory / name) for name in config["transcoders"]]
        t = {k: torch.stack([torch.from_numpy(p[k]) for p in layers]) for k in layers[0].files}
        return TranscoderWeights(
            "transcoder_set",
            t["W_enc"].transpose(1, 2).contiguous(),
            t["b_enc"],
            t["threshold"],
            [w[:, None] for w in t["W_dec"]],
            t["b_dec"],
        )
    n = config["n_layers"]
    enc = [load_file(str(directory / f"W_enc_{i}.safetensors")) for i in range(n)]
    dec = [load_file(str(directory / f"W_dec_{i}.safetensors"))[f"W_dec_{i}"] for i in range(n)]
    return TranscoderWeights(
        "cross_layer_transcoder",
        torch.stack([e[f"W_enc_{i}"] for i, e in enumerate(enc)]),
        torch.stack([e[f"b_enc_{i}"] for i, e in enumerate(enc)]),
        torch.stack([e[f"threshold_{i}"] for i, e in enumerate(enc)]),
        dec,
        torch.stack([e[f"b_dec_{i}"] for i, e in enumerate(enc)]),
    )
