"""What the attribution needs from a transcoder set, whatever its on-disk format.

Two concrete kinds implement it: `TranscoderSet` (one transcoder per layer, each writing only to
its own layer's MLP output) and `CrossLayerTranscoder` (features read at one layer and write to
that layer and every later one). Activations follow circuit-tracer: ReLU, or JumpReLU
`x * (x > threshold)` with a strict comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


def jump_relu(pre: torch.Tensor, threshold: torch.Tensor | None) -> torch.Tensor:
    if threshold is None:
        return torch.relu(pre)
    return pre * (pre > threshold)


@dataclass
class SetInfo:
    """Where a set comes from and how its features are named outside (Neuronpedia, dashboards)."""

    scan: str | None = None
    source: str = ""
    neuronpedia_source_set: str | None = None
    model_name: str | None = None
    extra: dict = field(default_factory=dict)


class TranscoderBase:
    """Common interface; subclasses hold the weights as [.., d_transcoder, d_model] tensors."""

    n_layers: int
    d_model: int
    d_transcoder: int
    feature_input_hook: str
    feature_output_hook: str
    info: SetInfo

    @property
    def has_skip(self) -> bool:
        return False

    def encode(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        """Feature activations [.., d_transcoder] at `layer` for inputs x [.., d_model]."""
        raise NotImplementedError

    def encoder_rows(self, layer: int, idx: torch.Tensor) -> torch.Tensor:
        """Encoder directions [k, d_model] of features idx at layer."""
        raise NotImplementedError

    def decoder_rows(self, layer: int, idx: torch.Tensor) -> torch.Tensor:
        """Decoder directions [k, n_out, d_model]; output j writes to layer `layer + j`."""
        raise NotImplementedError

    def output_bias(self, layer: int) -> torch.Tensor:
        """The decoder bias [d_model] added to `layer`'s reconstruction."""
        raise NotImplementedError

    def skip(self, layer: int, x: torch.Tensor) -> torch.Tensor:
        raise ValueError("this transcoder set has no skip connection")

    def to(self, device: str | torch.device, dtype: torch.dtype) -> TranscoderBase:
        for name, value in list(vars(self).items()):
            if isinstance(value, torch.Tensor):
                setattr(self, name, value.to(device=device, dtype=dtype))
            elif isinstance(value, list) and value and isinstance(value[0], torch.Tensor | None):
                setattr(
                    self,
                    name,
                    [None if v is None else v.to(device=device, dtype=dtype) for v in value],
                )
        return self
