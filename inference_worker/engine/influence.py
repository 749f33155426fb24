"""Influence on the logits, computed on the (features + logits) x N row block.

`normalized(A)` is |A| with each row divided by its sum (clamped). The influence of the nodes is
w A + w A^2 + ... for logit weights w; as only feature and logit rows of A are non-zero, each
product needs only the block's rows, so nothing N x N is ever built. Rows are processed in chunks
so that the normalised copy never exists whole. `keep` (a row mask and a column mask) reads the
block as if the other rows and columns were zero, without a pruned copy of it.
"""

from __future__ import annotations

import torch

CHUNK_ELEMENTS = 1 << 22  # ~16 MB of float32 per chunk of normalised rows


def row_chunks(n_rows: int, n_cols: int):
    step = max(1, CHUNK_ELEMENTS // max(1, n_cols))
    for start in range(0, n_rows, step):
        yield start, min(n_rows, start + step)


Keep = tuple[torch.Tensor, torch.Tensor] | None  # (rows kept [r], columns kept [c])


def abs_rows(rows: torch.Tensor, a: int, b: int, keep: Keep = None) -> torch.Tensor:
    """|rows[a:b]|, zero outside the kept rows and columns."""
    out = rows[a:b].abs()
    if keep is not None:
        out[~keep[0][a:b]] = 0
        out[:, ~keep[1]] = 0
    return out


def row_sums(rows: torch.Tensor, keep: Keep = None) -> torch.Tensor:
    out = torch.empty(rows.shape[0], dtype=rows.dtype, device=rows.device)
    for a, b in row_chunks(rows.shape[0], rows.shape[1]):
        out[a:b] = abs_rows(rows, a, b, keep).sum(dim=1)
    return out


def propagate(
    rows: torch.Tensor, weights: torch.Tensor, denom: torch.Tensor, keep: Keep = None
) -> torch.Tensor:
    """weights @ normalized(rows), with normalized = |rows| / denom[:, None]."""
    out = torch.zeros(rows.shape[1], dtype=rows.dtype, device=rows.device)
    for a, b in row_chunks(rows.shape[0], rows.shape[1]):
        w = weights[a:b]
        if not w.any():
            continue
        out += w @ (abs_rows(rows, a, b, keep) / denom[a:b, None])
    return out


def influence(
    rows: torch.Tensor,
    row_nodes: torch.Tensor,
    n_nodes: int,
    start: torch.Tensor,
    *,
    clamp: float,
    max_iter: int,
    strict: bool = True,
    keep: Keep = None,
) -> torch.Tensor:
    """Sum over k >= 1 of start @ normalized(A)^k, A given by its non-zero rows.

    rows [r, c] (c <= n_nodes; missing columns are zero), row_nodes [r]: the node of each row,
    start [n_nodes]: the weight vector (the logit probabilities on logit nodes)."""
    denom = row_sums(rows, keep).clamp(min=clamp)
    current = start
    total = torch.zeros(n_nodes, dtype=rows.dtype, device=rows.device)
    for _ in range(max_iter):
        nxt = torch.zeros(n_nodes, dtype=rows.dtype, device=rows.device)
        nxt[: rows.shape[1]] = propagate(rows, current[row_nodes], denom, keep)
        if not nxt.any():
            return total
        total += nxt
        current = nxt
    if strict:
        raise RuntimeError(f"influence did not converge in {max_iter} iterations")
    return total
