"""Pruning on the row block, with circuit-tracer 0.5.0's rules.

1. Each node's logit influence (influence.py, rows normalised by their |sum| clamped at 1e-10);
   keep the nodes carrying `node_threshold` of the total, and always tokens and logits.
2. Zero the dropped nodes' rows and columns; an edge's score is its normalised weight times its
   target's logit influence in that pruned graph (plus the target's logit weight); keep
   `edge_threshold` of the total.
3. Repeatedly drop features/errors left without outgoing kept edges and features without
   incoming ones.
Thresholds are found among the positive scores only: the zeros of the N x N matrix that the block
omits cannot move a cumulative threshold except when it falls past every positive score, where
the threshold becomes 0 (and then every edge is kept, as circuit-tracer does).

Memory: the pruned graph is never copied (the block is read through row and column masks, a
chunk of rows at a time), and the edge threshold sorts the positive scores' values in place with
no index array; the cumulative sum that locates the threshold is taken a chunk at a time with
the same double-precision running sum as torch's CPU cumsum, so the threshold is the one a full
sort and cumsum give. circuit-tracer sorts every score of the N x N matrix with its indices,
which is where it runs out of memory on long prompts.

Two per-node series, not to be confused: the logit influence (larger = more important) and the
cumulative share it ranks each node into (smaller = more important), which the graph JSON calls
`influence`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from .errors import EngineError
from .influence import Normalized, influence
from .memory import release_free_heap
from .result import AttributionResult
from .settings import DEFAULTS

CUMSUM_CHUNK = 1 << 22  # scores per step of the threshold's running sum


class PruneResult(NamedTuple):
    node_mask: torch.Tensor  # [N] bool
    edge_mask: torch.Tensor  # [rows, C] bool over the block (rows = result.row_nodes())
    # [N]: the share of the total logit influence held by this node and all more influential
    # ones (smaller = more important); exported as the node's JSON `influence`.
    cumulative_share: torch.Tensor
    keep_all_edges: bool  # edge threshold fell to 0: every edge between kept nodes is kept

    def dense_edge_mask(self, result: AttributionResult) -> torch.Tensor:
        n = result.n_nodes
        dense = torch.zeros(n, n, dtype=torch.bool)
        if self.keep_all_edges:
            dense[:] = True
        # As circuit-tracer's: with a zero threshold even dropped nodes' edges stay marked.
        dense[result.row_nodes(), : self.edge_mask.shape[1]] = self.edge_mask
        return dense


def logit_weights(result: AttributionResult) -> torch.Tensor:
    w = torch.zeros(result.n_nodes, dtype=result.block.dtype, device=result.block.device)
    w[-result.n_logits :] = result.logit_probabilities.to(w)
    return w


def logit_influence(result: AttributionResult, block: torch.Tensor | None = None) -> torch.Tensor:
    """[N]: each node's influence on the logits, w (A + A^2 + ...) for logit weights w."""
    block = result.block if block is None else block
    rows = result.row_nodes().to(block.device)
    return influence(block, rows, result.n_nodes, logit_weights(result), clamp=1e-10, max_iter=1000)


def find_threshold(positive_scores: torch.Tensor, threshold: float) -> float:
    """The score at which the kept share of the total reaches `threshold` (0 if never).

    Reorders `positive_scores` in place (CPU)."""
    if positive_scores.numel() == 0:
        return 0.0
    if positive_scores.device.type != "cpu":
        ordered = torch.sort(positive_scores, descending=True).values
        cumulative = torch.cumsum(ordered, dim=0) / torch.sum(ordered)
        index = int(torch.searchsorted(cumulative, threshold).item())
        return float(ordered[index]) if index < ordered.numel() else 0.0
    values = positive_scores.contiguous().numpy()
    np.negative(values, out=values)  # a descending sort, in place, with no index array
    values.sort()
    np.negative(values, out=values)
    ordered = torch.from_numpy(values)
    total = torch.sum(ordered)
    running = 0.0
    step = CUMSUM_CHUNK
    for a in range(0, values.size, step):
        part = np.cumsum(np.concatenate(([running], values[a : a + step])), dtype=np.float64)[1:]
        running = float(part[-1])
        cumulative = torch.from_numpy(part.astype(values.dtype)) / total
        index = int(torch.searchsorted(cumulative, threshold).item())
        if index < cumulative.numel():
            return float(ordered[a + index])
    return 0.0


def prune_graph(
    result: AttributionResult,
    *,
    node_threshold: float = DEFAULTS.node_threshold,
    edge_threshold: float = DEFAULTS.edge_threshold,
) -> PruneResult:
    for name, value in (("node_threshold", node_threshold), ("edge_threshold", edge_threshold)):
        if not 0.0 <= value <= 1.0:
            raise EngineError(f"{name} must be between 0 and 1, got {value}")
    n_tok, n_log, m = result.n_pos, result.n_logits, result.n_features
    # attribution's freed temporaries: hand them back before pruning adds its own
    release_free_heap()
    block, rows = result.block, result.row_nodes().to(result.block.device)
    infl = logit_influence(result)
    thr = find_threshold(infl[infl > 0], node_threshold)
    node_mask = infl >= thr
    node_mask[-n_log - n_tok :] = True

    cols = block.shape[1]
    keep = (node_mask[rows], node_mask[:cols])
    w = logit_weights(result)
    pruned = Normalized(block, 1e-10, keep)  # the pruned graph's normalised rows, built once
    pruned_infl = (
        influence(block, rows, result.n_nodes, w, clamp=1e-10, max_iter=1000, normalized=pruned) + w
    )
    # an edge's score: its normalised weight times its target's influence (read-only chunks)
    chunks = pruned.chunks
    scores = pruned.scaled(pruned_infl[rows])
    n_positive = sum(int((scores(a, b) > 0).sum()) for a, b in chunks)
    positive = torch.empty(n_positive, dtype=block.dtype, device=block.device)
    filled = 0
    for a, b in chunks:
        part = scores(a, b)
        part = part[part > 0]
        positive[filled : filled + part.numel()] = part
        filled += part.numel()
    edge_thr = find_threshold(positive, edge_threshold)
    del positive
    edge_mask = torch.empty(block.shape, dtype=torch.bool, device=block.device)
    for a, b in chunks:
        edge_mask[a:b] = scores(a, b) >= edge_thr
    keep_all = edge_thr == 0.0

    if not keep_all:
        n_src = result.n_nodes - n_log - n_tok  # features and errors
        while True:
            old = node_mask.clone()
            edge_mask.masked_fill_(~node_mask[rows][:, None], False)
            edge_mask.masked_fill_(~node_mask[None, :cols], False)
            node_mask[:n_src] &= edge_mask[:, :n_src].any(0)
            node_mask[:m] &= edge_mask[:m].any(1)
            if torch.equal(node_mask, old):
                break
    ordered, order = torch.sort(infl, descending=True)
    cumulative = torch.zeros_like(infl)
    cumulative[order] = torch.cumsum(ordered, dim=0) / torch.sum(ordered)
    return PruneResult(node_mask.cpu(), edge_mask.cpu(), cumulative.cpu(), keep_all)
