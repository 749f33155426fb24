"""Replacement and completeness scores (circuit-tracer's definitions), on the row block.

replacement: the share of token-to-logit influence that reaches the logits without passing
through an error node: token influence / (token + error influence).
completeness: per node, the share of its normalised input not coming from error nodes (1 for
nodes without inputs), averaged with weights logit influence + logit weight.
"""

from __future__ import annotations

import torch

from .influence import row_sums
from .pruning import logit_influence, logit_weights
from .result import AttributionResult


def graph_scores(result: AttributionResult) -> tuple[float, float]:
    m, n_pos, n_layers = result.n_features, result.n_pos, result.n_layers
    err_start, err_end = m, m + n_layers * n_pos
    tok_end = err_end + n_pos
    infl = logit_influence(result)
    token_infl = infl[err_end:tok_end].sum()
    error_infl = infl[err_start:err_end].sum()
    replacement = token_infl / (token_infl + error_infl)

    block = result.block
    denom = row_sums(block).clamp(min=1e-10)
    error_share = block[:, err_start:err_end].abs().sum(dim=1) / denom
    non_error = torch.ones(result.n_nodes, dtype=block.dtype, device=block.device)
    non_error[result.row_nodes().to(block.device)] = 1 - error_share
    weight = infl + logit_weights(result)
    completeness = (non_error * weight).sum() / weight.sum()
    return float(replacement), float(completeness)
