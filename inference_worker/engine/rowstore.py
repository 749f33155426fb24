"""Attribution rows kept in their causal region only, while they are computed.

A target at (layer l, position p) can only be reached by sources of earlier layers at the same or
earlier positions: features of layers < l at positions <= p, errors of layers < l at positions
<= p, tokens at positions <= p (logit targets: everything). Active features are ordered by
(layer, position, feature), so that region is one contiguous column range per source layer, and
the store keeps exactly those values (every other entry is zero by causality) with their int32
columns: about 40% of circuit-tracer's dense (features + logits) x (all active features + ...)
matrix on a 1,024-token prompt (20% of the entries, 8 bytes each). The partial-influence ranking
reads the regions directly; `to_block` builds the final dense block over the selected features'
columns only.

The regions still grow with (rows x active features), i.e. with the prompt's length: past
`ram_budget` bytes, a CPU store streams further regions to an unlinked temporary file and reads
them back one chunk at a time whenever it is swept (the operating system's page cache usually
serves those reads), so the process's resident memory stays near the budget on any prompt.
Spilled entries are read back bit for bit, so the graph does not depend on the budget.

Small graphs (all rows x all columns within SMALL_BUDGET bytes) skip the region bookkeeping:
`row_store()` gives them a TrimmedRowStore (rowstore_trimmed.py) instead.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

CHUNK_ROWS = 32  # rows whose regions are laid out at a time (bounds the index temporaries)
RAM_BUDGET = 256 << 20  # bytes of regions kept in memory before the rest is streamed to disk


@dataclass(frozen=True, eq=False)  # eq would compare the `active` tensor elementwise
class RowLayout:
    """What a row store is sized and laid out by, for either kind of store."""

    n_slots: int  # rows kept: feature rows, then logit rows
    n_cols: int  # columns before the logits: active features, errors, tokens
    active: torch.Tensor  # [k, 3] (layer, position, feature), ordered
    n_layers: int
    n_pos: int
    device: torch.device
    dtype: torch.dtype


class SlotRows:
    """What both stores share: the node of each slot, each row's |sum|, and circuit-tracer's
    partial influence through `propagate`."""

    def __init__(self, layout: RowLayout) -> None:
        self.n_slots, self.n_cols = layout.n_slots, layout.n_cols
        self.device, self.dtype = layout.device, layout.dtype
        self.n_values = 0
        self.slot_node = torch.zeros(self.n_slots, dtype=torch.long, device=self.device)
        self.abs_sum = torch.zeros(self.n_slots, dtype=self.dtype, device=self.device)

    def propagate(self, weights: torch.Tensor, clamp: float) -> torch.Tensor:
        raise NotImplementedError

    def stored_values(self) -> int:
        return self.n_values

    def spilled_bytes(self) -> int:
        return 0

    def partial_influence(
        self,
        n_used: int,
        logit_p: torch.Tensor,
        n_nodes: int,
        max_iter: int = 128,
        clamp: float = 1e-8,
    ) -> torch.Tensor:
        """circuit-tracer's partial influences over the first `n_used` slots."""
        node_of = self.slot_node.clone()
        node_of[n_used:] = -1
        prod = torch.zeros(n_nodes, dtype=self.dtype, device=self.device)
        prod[-logit_p.numel() :] = logit_p.to(self.dtype)
        total = torch.zeros(n_nodes, dtype=self.dtype, device=self.device)
        for _ in range(max_iter):
            weights = torch.where(node_of >= 0, prod[node_of.clamp(min=0)], 0.0)
            nxt = torch.zeros(n_nodes, dtype=self.dtype, device=self.device)
            nxt[: self.n_cols] = self.propagate(weights, clamp)
            if not nxt.any():
                return total
            total += nxt
            prod = nxt
        raise RuntimeError("partial influence did not converge")


class RowStore(SlotRows):
    def __init__(self, layout: RowLayout, ram_budget: int | None = None) -> None:
        super().__init__(layout)
        budget = RAM_BUDGET if ram_budget is None else ram_budget
        self.ram_budget = budget if torch.device(self.device).type == "cpu" else None
        self.ram_bytes = 0
        self.spill = None  # the temporary file, opened on the first spilled chunk
        self.n_layers, self.n_pos = layout.n_layers, layout.n_pos
        device, active = self.device, layout.active
        k = active.shape[0]
        counts = torch.zeros(self.n_layers, self.n_pos, dtype=torch.long, device=device)
        counts.index_put_(
            (active[:, 0].to(device), active[:, 1].to(device)),
            torch.ones(k, dtype=torch.long, device=device),
            accumulate=True,
        )
        self.layer_start = torch.cumsum(counts.sum(1), 0) - counts.sum(1)  # [L]
        self.upto = torch.cumsum(counts, 1)  # [L, P]: features of layer l at positions <= p
        self.err0 = k
        # (slots [r], region length per row [r], region columns [total] int32, values [total]);
        # the columns are kept (4 bytes each) because recomputing them made every
        # partial-influence pass several times slower. A spilled chunk holds the file offset of
        # its columns and values instead of the two tensors.
        self.chunks: list[tuple] = []

    def _layout(self, layers: torch.Tensor, positions: torch.Tensor):
        """Row index and column of every region entry of rows targeting (layers, positions)."""
        L, P = self.n_layers, self.n_pos
        src = torch.arange(L, device=self.device)
        reach = src[None, :] < layers[:, None]  # [r, L]: source layers before the target
        feat_len = torch.where(reach, self.upto[:, positions].T, 0)
        err_len = torch.where(reach, positions[:, None] + 1, 0)
        starts = torch.cat(
            [
                self.layer_start.expand(len(layers), L),
                (self.err0 + src * P).expand(len(layers), L),
                torch.full((len(layers), 1), self.err0 + L * P, device=self.device),
            ],
            1,
        )
        lens = torch.cat([feat_len, err_len, positions[:, None] + 1], 1)  # [r, 2L + 1]
        flat_len = lens.flatten()
        total = int(flat_len.sum())
        seg_start = torch.repeat_interleave(starts.flatten(), flat_len, output_size=total)
        seg_offset = torch.repeat_interleave(
            torch.cumsum(flat_len, 0) - flat_len, flat_len, output_size=total
        )
        cols = seg_start + torch.arange(total, device=self.device) - seg_offset
        rows = torch.repeat_interleave(
            torch.arange(len(layers), device=self.device), lens.sum(1), output_size=total
        )
        return rows, cols

    def add(
        self,
        slots: torch.Tensor,
        nodes: torch.Tensor,
        layers: torch.Tensor,
        positions: torch.Tensor,
        rows: torch.Tensor,
    ) -> None:
        """Store dense rows [b, n_cols] computed for targets at (layers, positions)."""
        slots, layers, positions = (t.to(self.device) for t in (slots, layers, positions))
        self.slot_node[slots] = nodes.to(self.device)
        self.abs_sum[slots] = rows.abs().sum(dim=1).to(self.dtype)
        for a in range(0, rows.shape[0], CHUNK_ROWS):
            b = slice(a, a + CHUNK_ROWS)
            r, c = self._layout(layers[b], positions[b])
            lens = torch.bincount(r, minlength=len(slots[b]))
            self._keep(slots[b], lens, c.int(), rows[b][r, c].to(self.dtype))

    def _keep(self, slots, lens, cols, vals) -> None:
        self.n_values += vals.numel()
        size = cols.numel() * cols.element_size() + vals.numel() * vals.element_size()
        if self.ram_budget is None or self.ram_bytes + size <= self.ram_budget:
            self.ram_bytes += size
            self.chunks.append((slots, lens, cols, vals))
            return
        if self.spill is None:
            # unlinked at once; closed by to_block or when the store is collected
            self.spill = tempfile.TemporaryFile(prefix="circuitscope-rows-")  # noqa: SIM115
        offset = self.spill.seek(0, 2)
        cols.numpy().tofile(self.spill)
        vals.numpy().tofile(self.spill)
        self.chunks.append((slots, lens, offset, vals.numel()))

    def _read(self, chunk) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        slots, lens, cols, vals = chunk
        if isinstance(cols, torch.Tensor):
            return chunk
        self.spill.seek(cols)
        col_arr = np.fromfile(self.spill, dtype=np.int32, count=vals)
        val_arr = np.fromfile(self.spill, dtype=_NUMPY[self.dtype], count=vals)
        return slots, lens, torch.from_numpy(col_arr), torch.from_numpy(val_arr)

    def _sweep(self) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]:
        for chunk in self.chunks:
            yield self._read(chunk)

    def spilled_bytes(self) -> int:
        return 0 if self.spill is None else self.spill.seek(0, 2)

    def propagate(self, weights: torch.Tensor, clamp: float) -> torch.Tensor:
        """weights[slot] @ (|rows| / rowsum.clamp(clamp)), over all stored entries."""
        scale = weights / self.abs_sum.clamp(min=clamp)
        out = torch.zeros(self.n_cols, dtype=self.dtype, device=self.device)
        for slots, lens, cols, vals in self._sweep():
            w = scale[slots]
            if not w.any():
                continue
            out.index_add_(
                0, cols, vals.abs().mul_(torch.repeat_interleave(w, lens, output_size=vals.numel()))
            )
        return out

    def to_block(
        self, row_of_slot: torch.Tensor, col_map: torch.Tensor, n_rows: int, n_block_cols: int
    ) -> torch.Tensor:
        """Dense [n_rows, n_block_cols]: slot s -> row row_of_slot[s], column c -> col_map[c]
        (entries whose column maps to -1 are dropped). Frees the store as it goes."""
        block = torch.zeros(n_rows, n_block_cols, dtype=self.dtype, device=self.device)
        while self.chunks:
            slots, lens, cols, vals = self._read(self.chunks.pop(0))
            r = torch.repeat_interleave(
                torch.arange(len(slots), device=self.device), lens, output_size=vals.numel()
            )
            new_col = col_map[cols]
            keep = new_col >= 0
            block[row_of_slot[slots[r[keep]]], new_col[keep]] = vals[keep]
        if self.spill is not None:
            self.spill.close()
            self.spill = None
        return block


_NUMPY = {torch.float32: np.float32, torch.float64: np.float64}
