"""Attribution rows of small graphs, kept whole but cut after their last reachable feature.

Active features are ordered by (layer, position, feature), so a target at layer l (n_layers for a
logit) reaches features in the first `width[l]` columns only (those of earlier layers); every
column past them is zero by causality. This store keeps each row's feature part up to there, in
one dense piece per target layer and call, and the error and token columns of every row in one
dense tail. On short prompts that is less memory than the causal-region store (rowstore.py),
which pays 4 bytes of column index per value, and its influence passes are a few matmuls instead
of scattered index adds; its bytes grow with rows x active features, so `row_store()` uses it
only while every row whole would fit SMALL_BUDGET.
"""

from __future__ import annotations

import torch

from .rowstore import RowLayout, RowStore, SlotRows

SMALL_BUDGET = 128 << 20  # bytes of all rows whole, below which rows are kept trimmed


class TrimmedRowStore(SlotRows):
    def __init__(self, layout: RowLayout) -> None:
        super().__init__(layout)
        self.k = layout.active.shape[0]
        per_layer = torch.bincount(layout.active[:, 0].cpu(), minlength=layout.n_layers)
        self.width = [0, *torch.cumsum(per_layer, 0).tolist()]  # [n_layers + 1]
        self.tail = torch.zeros(
            self.n_slots, self.n_cols - self.k, dtype=self.dtype, device=self.device
        )
        self.parts: list[tuple[torch.Tensor, torch.Tensor]] = []  # (slots [b], rows [b, width])

    def add(
        self,
        slots: torch.Tensor,
        nodes: torch.Tensor,
        layers: torch.Tensor,
        positions: torch.Tensor,
        rows: torch.Tensor,
    ) -> None:
        """Store dense rows [b, n_cols] computed for targets at (layers, positions)."""
        slots, layers = slots.to(self.device), layers.to(self.device)
        self.slot_node[slots] = nodes.to(self.device)
        self.abs_sum[slots] = rows.abs().sum(dim=1).to(self.dtype)
        self.tail[slots] = rows[:, self.k : self.n_cols].to(self.dtype)
        self.n_values += rows.shape[0] * (self.n_cols - self.k)
        for layer in layers.unique().tolist():
            width = self.width[layer]
            if width == 0:
                continue
            pick = (layers == layer).nonzero().flatten()
            self.parts.append((slots[pick], rows[pick, :width].to(self.dtype)))
            self.n_values += pick.numel() * width

    def propagate(self, weights: torch.Tensor, clamp: float) -> torch.Tensor:
        """weights[slot] @ (|rows| / rowsum.clamp(clamp))."""
        scale = weights / self.abs_sum.clamp(min=clamp)
        out = torch.zeros(self.n_cols, dtype=self.dtype, device=self.device)
        used = torch.nonzero(scale).flatten()
        out[self.k :] = scale[used] @ self.tail[used].abs()
        for slots, part in self.parts:
            w = scale[slots]
            if w.any():
                out[: part.shape[1]] += w @ part.abs()
        return out

    def to_block(
        self, row_of_slot: torch.Tensor, col_map: torch.Tensor, n_rows: int, n_block_cols: int
    ) -> torch.Tensor:
        """Dense [n_rows, n_block_cols]: slot s -> row row_of_slot[s], column c -> col_map[c]
        (columns mapped to -1 dropped; the kept ones must keep their order). Frees the store."""
        kept = torch.nonzero(col_map >= 0).flatten()
        if not torch.equal(col_map[kept], torch.arange(n_block_cols, device=self.device)):
            raise ValueError("block columns must follow the store's column order")
        features = kept[kept < self.k]  # ascending
        m = features.numel()
        block = torch.zeros(n_rows, n_block_cols, dtype=self.dtype, device=self.device)
        block[row_of_slot, m:] = self.tail[:, kept[m:] - self.k]
        self.tail = self.tail.new_empty(0)
        while self.parts:
            slots, part = self.parts.pop(0)
            cols = features[: int(torch.searchsorted(features, part.shape[1]))]
            block[row_of_slot[slots], : cols.numel()] = part[:, cols]
        return block


def row_store(layout: RowLayout) -> SlotRows:
    """The trimmed store for small graphs, the causal-region store (with spilling) otherwise."""
    element = torch.empty(0, dtype=layout.dtype).element_size()
    whole = layout.n_slots * layout.n_cols * element
    kind = TrimmedRowStore if whole <= SMALL_BUDGET else RowStore
    return kind(layout)
