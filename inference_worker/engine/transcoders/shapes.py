"""Shape checks that name the file, the tensor and both shapes."""

from __future__ import annotations

from pathlib import Path

import torch

from ..errors import EngineError


def check_shape(
    path: Path | str, name: str, tensor: torch.Tensor, expected: tuple[int, ...]
) -> None:
    found = tuple(tensor.shape)
    if found != tuple(expected):
        raise EngineError(f"{path}: tensor {name} has shape {found}, expected {tuple(expected)}")
