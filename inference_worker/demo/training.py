"""Pieces shared by the demo's training scripts: thread set-up, learning-rate schedule,
resumable checkpoints and the loss trace that CI replays."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
TRACES_DIR = Path(__file__).resolve().parent / "traces"
CHECKPOINT_ROOT = REPO_ROOT / "var" / "demo"


def lr_at(step: int, *, peak: float, total: int, warmup: int) -> float:
    """Linear warm-up then cosine decay to a tenth of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def save_checkpoint(
    path: Path, *, step: int, args: dict[str, Any], state: dict[str, Any], losses: list[float]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"step": step, "args": args, "state": state, "losses": losses}, tmp)
    tmp.replace(path)  # atomic: an interrupted save never corrupts the last good checkpoint


def load_checkpoint(path: Path, args: dict[str, Any]) -> dict[str, Any] | None:
    """The checkpoint at `path` if it was made with the same arguments, else None."""
    if not path.exists():
        return None
    checkpoint = torch.load(path, weights_only=False)
    if checkpoint["args"] != args:
        print(f"ignoring {path}: made with other arguments")
        return None
    return checkpoint


def write_trace(path: Path, args: dict[str, Any], losses: list[float]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"args": args, "losses": [round(loss, 6) for loss in losses]}
    path.write_text(json.dumps(payload, indent=1) + "\n")
