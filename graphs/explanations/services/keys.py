"""The identity of a machine-made explanation (its `content_key`), so that re-importing a file or
rerunning a method adds nothing: a unique column, and inserts that ignore or update conflicts."""

from __future__ import annotations

import hashlib

from graphs.explanations import methods


def content_key(
    model_id: str,
    source_set: str,
    layer: int,
    index: int,
    method: str,
    explainer_model: str,
    description: str,
) -> str:
    """An imported row is itself (same feature, method, explainer and text). A row of ours made
    by a batch method is one per (feature, method, explainer): a rerun replaces its text."""
    text = "" if method in methods.MACHINE_KEYED and not description else description
    parts = (model_id, source_set, str(layer), str(index), method, explainer_model, text)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def rerun_key(
    model_id: str, source_set: str, layer: int, index: int, method: str, explainer_model: str
) -> str:
    """The key of our own batch methods' rows (offline rules, auto-interp): one per feature,
    method and explainer model, whatever the text."""
    return content_key(model_id, source_set, layer, index, method, explainer_model, "")
