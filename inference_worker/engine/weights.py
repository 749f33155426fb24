"""Whether the weights a trace needs are on this machine, checked without loading them.

The engine reads hub weights from the local Hugging Face cache only. A worker asks this before it
offers a model, so a user learns at once that a model cannot run here, instead of waiting for a
download that cannot happen to time out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from .errors import EngineError
from .model_loading import demo_path
from .transcoders.hub import snapshot_dir

_DEMO_FOLDERS = {
    "model": {"demo": "model"},
    "transcoders": {"demo": "transcoders", "demo-clt": "clt"},
}


def missing_weights(model_ref: str, transcoders_ref: str) -> str | None:
    """None when the model's and the transcoders' weights are both here; else one line saying
    which are missing."""
    return _missing("model", model_ref) or _missing("transcoders", transcoders_ref)


def _missing(what: Literal["model", "transcoders"], ref: str) -> str | None:
    demo = _DEMO_FOLDERS[what]
    if ref in demo:
        try:
            demo_path(demo[ref])
        except EngineError as exc:
            return str(exc)
        return None
    if Path(ref).expanduser().is_dir():
        return None
    if ref.startswith((".", "/", "~")) or ref.count("/") != 1:
        return f"the {what} directory {ref} does not exist on this worker"
    try:
        snapshot_dir(ref)
    except EngineError:
        return (
            f"the {what} weights {ref} are not in this worker's Hugging Face cache "
            "(pre-fill the cache; workers download nothing)"
        )
    return None
