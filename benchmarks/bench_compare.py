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


def _restrict(graph: dict, positions: np.ndarray) -> dict:
    """`graph` with only the selected features at `positions` (in that order), other nodes kept:
    feature rows and columns come first, then logit rows / error, token and logit columns."""
    n = len(graph["selected_features"])

    def take(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
        for axis in axes:
            a = np.take(a, np.concatenate([positions, np.arange(n, a.shape[axis])]), axis=axis)
        return a

    return {
        "adjacency": take(graph["adjacency"], (0, 1)),
        "edge_mask": take(graph["edge_mask"], (0, 1)),
        "node_mask": take(graph["node_mask"], (0,)),
    }


def compare_graphs(
    ours_path: Path, ref_path: Path, *, rtol: float = ADJACENCY_RTOL, exact_masks: bool = True
) -> tuple[bool, str]:
    """(equal, detail). Selected features must be the same (in any order: rounding can swap
    two of nearly equal influence); where they are not, the adjacency among the shared ones is
    still reported. With `exact_masks` False the pruning masks are reported, not required (in
    bfloat16 an edge on the pruning cut may fall either side of it)."""
    ours, ref = load_file(str(ours_path)), load_file(str(ref_path))
    problems, notes = [], []
    for key in ("input_tokens", "logit_tokens", "active_features"):
        if ours[key].shape != ref[key].shape or (ours[key] != ref[key]).any():
            problems.append(f"{key} differ")
    if problems:
        return False, "; ".join(problems)
    where = {int(f): k for k, f in enumerate(ours["selected_features"])}
    shared = [(where[int(f)], k) for k, f in enumerate(ref["selected_features"]) if int(f) in where]
    if len(shared) != len(ref["selected_features"]) or len(where) != len(shared):
        problems.append(
            f"selected_features differ ({len(shared)} of {len(ref['selected_features'])} shared)"
        )
    elif any(a != b for a, b in shared):
        notes.append("same selected features in another order")
    a = _restrict(ours, np.array([i for i, _ in shared], dtype=np.int64))
    b = _restrict(ref, np.array([k for _, k in shared], dtype=np.int64))
    err = np.abs(a["adjacency"].astype(np.float64) - b["adjacency"]).max()
    rel = err / np.abs(b["adjacency"]).max()
    if rel > rtol:
        problems.append(f"adjacency max error {rel:.3g} of max|A| (> {rtol:.3g})")
    for key in ("node_mask", "edge_mask"):
        n = int((a[key] != b[key]).sum())
        if n:
            (problems if exact_masks else notes).append(f"{key} differs in {n} of {b[key].size}")
    scope = "" if len(shared) == len(ref["selected_features"]) else " among the shared features"
    notes.insert(0, f"adjacency max error {rel:.2g} of max|A|{scope} (tolerance {rtol:.3g})")
    return not problems, "; ".join(problems + notes)
