"""Are two benchmark graphs (compare.safetensors from bench_workers.py) the same graph?"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

ADJACENCY_RTOL = 1e-4  # of max |A|, as in tests/engine/test_differential.py
# bfloat16 keeps 8 significant bits (unit roundoff 2^-9); two engines summing the same terms in
# another order over 26 layers differ by a few of those in the largest edges: allow 2^-5 of
# max |A|, and say what was measured.
BF16_ADJACENCY_RTOL = 2.0**-5


def _align(ours: dict, ref: dict) -> None:
    """Reorder our feature rows and columns to the reference's order of the same features
    (rounding can swap two features of nearly equal influence within one visiting batch)."""
    where = {int(f): k for k, f in enumerate(ours["selected_features"])}
    perm = np.array([where[int(f)] for f in ref["selected_features"]])

    def reorder(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        for axis in axes:
            a = np.take(a, np.concatenate([perm, np.arange(len(perm), a.shape[axis])]), axis=axis)
        return a

    ours["adjacency"] = reorder(ours["adjacency"], (0, 1))
    ours["edge_mask"] = reorder(ours["edge_mask"], (0, 1))
    ours["node_mask"] = reorder(ours["node_mask"], (0,))
    ours["selected_features"] = ref["selected_features"]


def compare_graphs(
    ours_path: Path, ref_path: Path, *, rtol: float = ADJACENCY_RTOL, exact_masks: bool = True
) -> tuple[bool, str]:
    """(equal, detail). With `exact_masks` False the pruning masks are reported, not required
    (in bfloat16 an edge on the pruning cut may fall either side of it)."""
    ours, ref = load_file(str(ours_path)), load_file(str(ref_path))
    problems, notes = [], []
    for key in ("input_tokens", "logit_tokens", "active_features"):
        if ours[key].shape != ref[key].shape or (ours[key] != ref[key]).any():
            problems.append(f"{key} differ")
    if not problems and (ours["selected_features"] != ref["selected_features"]).any():
        chosen = [set(g["selected_features"].tolist()) for g in (ours, ref)]
        if chosen[0] != chosen[1]:
            problems.append(
                f"selected_features differ ({len(chosen[0] & chosen[1])} of "
                f"{len(chosen[1])} shared)"
            )
        else:
            _align(ours, ref)
            notes.append("same selected features in another order")
    if not problems:
        err = np.abs(ours["adjacency"].astype(np.float64) - ref["adjacency"]).max()
        rel = err / np.abs(ref["adjacency"]).max()
        if rel > rtol:
            problems.append(f"adjacency max error {rel:.3g} of max|A| (> {rtol:.3g})")
        for key in ("node_mask", "edge_mask"):
            n = int((ours[key] != ref[key]).sum())
            if n:
                (problems if exact_masks else notes).append(
                    f"{key} differs in {n} of {ref[key].size}"
                )
        notes.insert(0, f"adjacency max error {rel:.2g} of max|A| (tolerance {rtol:.3g})")
    return not problems, "; ".join(problems + notes)
