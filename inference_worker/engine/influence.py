"""Influence on the logits, computed on the (features + logits) x N row block.

`normalized(A)` is |A| with each row divided by its sum (clamped). The influence of the nodes is
w A + w A^2 + ... for logit weights w; as only feature and logit rows of A are non-zero, each
product needs only the block's rows, so nothing N x N is ever built. `keep` (a row mask and a
column mask) reads the block as if the other rows and columns were zero, without a pruned copy
of it.

`Normalized` builds the normalised rows once when they fit WHOLE_BUDGET (small graphs: the
power series and the edge scores then reuse one copy instead of recomputing |A|, the masks and
the division on every pass); past it, they are recomputed a chunk of rows at a time so that the
copy never exists whole on long prompts. Both give the same bits: the same chunks, the same ops.
"""

from __future__ import annotations

import torch

CHUNK_ELEMENTS = 1 << 22  # ~16 MB of float32 per chunk of normalised rows
WHOLE_BUDGET = 32 << 20  # bytes of normalised rows below which they are built once


def row_chunks(n_rows: int, n_cols: int):
    step = max(1, CHUNK_ELEMENTS // max(1, n_cols))
    for start in range(0, n_rows, step):
        yield start, min(n_rows, start + step)


Keep = tuple[torch.Tensor, torch.Tensor] | None  # (rows kept [r], columns kept [c])


def abs_rows(rows: torch.Tensor, a: int, b: int, keep: Keep = None) -> torch.Tensor:
    """|rows[a:b]|, zero outside the kept rows and columns."""
    out = rows[a:b].abs()
    if keep is not None:
        # broadcast fills: a boolean index along the columns gathers indices first (slow)
        out.masked_fill_(~keep[0][a:b, None], 0)
        out.masked_fill_(~keep[1][None, :], 0)
    return out


def row_sums(rows: torch.Tensor, keep: Keep = None) -> torch.Tensor:
    out = torch.empty(rows.shape[0], dtype=rows.dtype, device=rows.device)
    for a, b in row_chunks(rows.shape[0], rows.shape[1]):
        out[a:b] = abs_rows(rows, a, b, keep).sum(dim=1)
    return out


class Normalized:
    """normalized(rows) under `keep`, with rows divided by their sums clamped at `clamp`."""

    def __init__(self, rows: torch.Tensor, clamp: float, keep: Keep = None) -> None:
        self.rows, self.keep = rows, keep
        self.chunks = list(row_chunks(rows.shape[0], rows.shape[1]))
        self.whole: torch.Tensor | None = None
        sums = torch.empty(rows.shape[0], dtype=rows.dtype, device=rows.device)
        if rows.numel() * rows.element_size() <= WHOLE_BUDGET:
            self.whole = torch.empty_like(rows)
            for a, b in self.chunks:
                part = abs_rows(rows, a, b, keep)
                sums[a:b] = part.sum(dim=1)
                self.whole[a:b] = part
        else:
            for a, b in self.chunks:
                sums[a:b] = abs_rows(rows, a, b, keep).sum(dim=1)
        self.denom = sums.clamp(min=clamp)
        if self.whole is not None:
            for a, b in self.chunks:
                self.whole[a:b].div_(self.denom[a:b, None])

    def chunk(self, a: int, b: int) -> torch.Tensor:
        """normalized rows a:b (a view of the whole copy: read it, never write it)."""
        if self.whole is not None:
            return self.whole[a:b]
        return abs_rows(self.rows, a, b, self.keep).div_(self.denom[a:b, None])

    def scaled(self, factors: torch.Tensor):
        """chunk(a, b) -> normalized rows a:b times factors[a:b] (pruning's edge scores).

        The whole copy, if any, is scaled in place: this object's own rows are then scores, no
        longer normalised, and only the returned function reads them."""
        if self.whole is not None:
            for a, b in self.chunks:
                self.whole[a:b].mul_(factors[a:b, None])
            return lambda a, b: self.whole[a:b]
        return lambda a, b: self.chunk(a, b).mul_(factors[a:b, None])

    def propagate(self, weights: torch.Tensor) -> torch.Tensor:
        """weights @ normalized(rows)."""
        out = torch.zeros(self.rows.shape[1], dtype=self.rows.dtype, device=self.rows.device)
        for a, b in self.chunks:
            w = weights[a:b]
            if not w.any():
                continue
            out += w @ self.chunk(a, b)
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
    normalized: Normalized | None = None,
) -> torch.Tensor:
    """Sum over k >= 1 of start @ normalized(A)^k, A given by its non-zero rows.

    rows [r, c] (c <= n_nodes; missing columns are zero), row_nodes [r]: the node of each row,
    start [n_nodes]: the weight vector (the logit probabilities on logit nodes). `normalized`,
    if given, is Normalized(rows, clamp, keep), built once by a caller that reuses it."""
    norm = normalized if normalized is not None else Normalized(rows, clamp, keep)
    current = start
    total = torch.zeros(n_nodes, dtype=rows.dtype, device=rows.device)
    for _ in range(max_iter):
        nxt = torch.zeros(n_nodes, dtype=rows.dtype, device=rows.device)
        nxt[: rows.shape[1]] = norm.propagate(current[row_nodes])
        if not nxt.any():
            return total
        total += nxt
        current = nxt
    if strict:
        raise RuntimeError(f"influence did not converge in {max_iter} iterations")
    return total
