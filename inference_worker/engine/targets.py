"""Logit targets: which output tokens a graph explains, with their probabilities and directions.

Salient mode: the top `max_n_logits` tokens by probability (softmax of the soft-capped logits at
the last position), cut after the cumulative probability first reaches `desired_logit_prob`.
Custom mode: the given token ids. Each target injects its unembedding column minus the mean
column (the demeaned direction), at the unembedding's input.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .errors import EngineError


@dataclass
class LogitTargets:
    tokens: torch.Tensor  # [n] long
    probabilities: torch.Tensor  # [n]
    vectors: torch.Tensor  # [n, d_model]


def select_targets(
    logits: torch.Tensor,
    W_U: torch.Tensor,
    *,
    max_n_logits: int,
    desired_logit_prob: float,
    target_tokens=None,
) -> LogitTargets:
    probs = torch.softmax(logits, dim=-1)
    if target_tokens is not None:
        idx = torch.as_tensor(list(target_tokens), dtype=torch.long).reshape(-1)
        if idx.numel() == 0:
            raise EngineError("target tokens list is empty")
        if int(idx.min()) < 0 or int(idx.max()) >= logits.shape[0]:
            raise EngineError(f"target token ids must lie in [0, {logits.shape[0]})")
    else:
        if max_n_logits < 1:
            raise EngineError("max_n_logits must be at least 1")
        top_p, top_idx = torch.topk(probs, min(max_n_logits, probs.shape[0]))
        cutoff = int(torch.searchsorted(torch.cumsum(top_p, 0), desired_logit_prob)) + 1
        idx = top_idx[:cutoff]
    idx = idx.to(logits.device)
    vectors = (W_U[:, idx] - W_U.mean(dim=-1, keepdim=True)).T
    return LogitTargets(
        tokens=idx.cpu(), probabilities=probs[idx].detach(), vectors=vectors.detach()
    )
