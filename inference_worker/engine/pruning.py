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

Two per-node series, not to be confused: the logit influence (larger = more important) and the
cumulative share it ranks each node into (smaller = more important), which the graph JSON calls
`influence`.
"""

from __future__ import annotations

from typing import NamedTuple

import torch

from .errors import EngineError
from .influence import influence
from .result import AttributionResult
from .settings import DEFAULTS


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
    """The score at which the kept share of the total reaches `threshold` (0 if never)."""
    if positive_scores.numel() == 0:
        return 0.0
    ordered = torch.sort(positive_scores, descending=True).values
    cumulative = torch.cumsum(ordered, dim=0) / torch.sum(ordered)
    index = int(torch.searchsorted(cumulative, threshold).item())
    return float(ordered[index]) if index < ordered.numel() else 0.0


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
    block, rows = result.block, result.row_nodes().to(result.block.device)
    infl = logit_influence(result)
    thr = find_threshold(infl[infl > 0], node_threshold)
    node_mask = infl >= thr
    node_mask[-n_log - n_tok :] = True

    cols = block.shape[1]
    pruned = block.clone()
    pruned[~node_mask[rows]] = 0
    pruned[:, ~node_mask[:cols]] = 0
    w = logit_weights(result)
    pruned_infl = influence(pruned, rows, result.n_nodes, w, clamp=1e-10, max_iter=1000) + w
    denom = pruned.abs().sum(dim=1).clamp(min=1e-10)
    scores = pruned.abs_().div_(denom[:, None]).mul_(pruned_infl[rows][:, None])
    edge_thr = find_threshold(scores[scores > 0], edge_threshold)
    edge_mask = scores >= edge_thr
    del scores, pruned
    keep_all = edge_thr == 0.0

    if not keep_all:
        n_src = result.n_nodes - n_log - n_tok  # features and errors
        while True:
            old = node_mask.clone()
            edge_mask[~node_mask[rows]] = False
            edge_mask[:, ~node_mask[:cols]] = False
            node_mask[:n_src] &= edge_mask[:, :n_src].any(0)
            node_mask[:m] &= edge_mask[:m].any(1)
            if torch.equal(node_mask, old):
                break
    ordered, order = torch.sort(infl, descending=True)
    cumulative = torch.zeros_like(infl)
    cumulative[order] = torch.cumsum(ordered, dim=0) / torch.sum(ordered)
    return PruneResult(node_mask.cpu(), edge_mask.cpu(), cumulative.cpu(), keep_all)
