"""Attribution targets: which directions at the unembedding's input a graph explains, with the
weight each carries in influence and pruning. circuit-tracer 0.5.0's `attribution_targets`
semantics, input for input:

- None (salient logits): the top `max_n_logits` tokens by probability (softmax of the
  soft-capped logits at the last position), cut after the cumulative probability first reaches
  `desired_logit_prob`.
- token ids or token strings (a string must be exactly one token, encoded without special
  tokens): those tokens, in the order given, each weighted by its probability.
- `CustomTarget(label, weight, vector)`: any d_model direction, used as given; its node id uses
  circuit-tracer's virtual index d_vocab + (its position among the targets).
- `LogitDiff(a, b)`: one custom target, the direction u_a - u_b (unembedding columns) labelled
  "A - B" with a true minus sign (U+2212), weighted max(|p_a - p_b|, 1e-6) as circuit-tracer's logit-difference recipe does.

Two inputs circuit-tracer accepts are refused here: a string that reads as the unknown token (a
typo would silently explain `<unk>`), and a token given twice (two nodes with one id), and a
custom target's weight must be positive (it scales influence).

A token target injects its unembedding column minus the mean column (the demeaned direction);
the value a target explains is its direction . the unembedding's input at the last position,
before any logit soft-cap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch

from .errors import EngineError

# circuit-tracer floors a logit difference's weight here, so that two equally likely tokens
# still give the target a (tiny) positive weight.
MIN_DIFF_WEIGHT = 1e-6
MINUS = "\N{MINUS SIGN}"


class CustomTarget(NamedTuple):
    label: str
    weight: float
    vector: torch.Tensor  # [d_model]


@dataclass(frozen=True)
class LogitDiff:
    """The logit difference logit(a) - logit(b) of two tokens (ids or single-token strings)."""

    a: int | str
    b: int | str


TargetSpec = (
    None
    | torch.Tensor
    | Sequence[int | str]
    | Sequence[CustomTarget | tuple[str, float, torch.Tensor]]
    | LogitDiff
)


@dataclass
class LogitTargets:
    tokens: torch.Tensor  # [n] long: vocab ids; d_vocab + i for custom target i
    probabilities: torch.Tensor  # [n]: each target's weight (its probability for a token)
    vectors: torch.Tensor  # [n, d_model]: the injected directions
    labels: list[str]  # what a viewer shows for each target node
    description: dict[str, Any]  # JSON: how the targets were chosen (graph metadata)


def resolve_token(tokenizer, d_vocab: int, token: int | str) -> int:
    """The vocab id of `token`: an id in [0, d_vocab), or a string that is exactly one token."""
    if isinstance(token, bool) or not isinstance(token, (int, str)):
        raise EngineError(f"a target token must be a string or an id, got {token!r}")
    if isinstance(token, int):
        if not 0 <= token < d_vocab:
            raise EngineError(f"target token id {token} is not in [0, {d_vocab})")
        return token
    if tokenizer is None:
        raise EngineError(f"the model has no tokenizer to read target token {token!r}")
    ids = tokenizer.encode(token, add_special_tokens=False)
    if len(ids) != 1:
        pieces = [tokenizer.decode([i]) for i in ids]
        raise EngineError(
            f"target token {token!r} is not one token of this model's vocabulary"
            + (f" (it splits into {pieces})" if pieces else " (it encodes to nothing)")
        )
    unknown = getattr(tokenizer, "unk_token_id", None)
    if ids[0] == unknown and token != getattr(tokenizer, "unk_token", None):
        raise EngineError(
            f"target token {token!r} is not one token of this model's vocabulary "
            "(it reads as the unknown token)"
        )
    if not 0 <= ids[0] < d_vocab:
        raise EngineError(f"target token {token!r} has id {ids[0]}, outside [0, {d_vocab})")
    return int(ids[0])


def _decode(tokenizer, idx: int) -> str:
    return tokenizer.decode([idx]) if tokenizer is not None else str(idx)


def diff_label(text_a: str, text_b: str) -> str:
    """ "A - B" (minus sign) from two tokens' texts, their surrounding spaces dropped (kept when
    a token is only spaces)."""
    return f"{text_a.strip() or text_a} {MINUS} {text_b.strip() or text_b}"


# d_model rows of W_U averaged per step: bounds the float32 working copy to 64 x d_vocab.
_MEAN_ROWS = 64


def mean_column(W_U: torch.Tensor) -> torch.Tensor:
    """W_U.mean(dim=-1, keepdim=True) [d_model, 1]. On a half-precision W_U, torch's mean makes
    a whole float32 copy first (2.4 GB for Gemma-2's 256,000 x 2,304); averaging a few rows at a
    time gives the same float32 means, rounded to W_U's dtype, without it."""
    if W_U.dtype in (torch.float32, torch.float64):
        return W_U.mean(dim=-1, keepdim=True)
    means = torch.cat(
        [
            W_U[i : i + _MEAN_ROWS].float().mean(dim=-1, keepdim=True)
            for i in range(0, W_U.shape[0], _MEAN_ROWS)
        ]
    )
    return means.to(W_U.dtype)


def _token_targets(ids: torch.Tensor, probs, W_U, tokenizer, description) -> LogitTargets:
    vectors = (W_U[:, ids] - mean_column(W_U)).T
    return LogitTargets(
        tokens=ids.cpu(),
        probabilities=probs[ids].detach(),
        vectors=vectors.detach(),
        labels=[_decode(tokenizer, i) for i in ids.tolist()],
        description=description,
    )


def _custom_targets(targets: Sequence, d_vocab: int, d_model: int, W_U, description):
    labels, weights, vectors = [], [], []
    for i, target in enumerate(targets):
        if not isinstance(target, tuple) or len(target) != 3:
            raise EngineError(f"custom target {i} must be (label, weight, vector), got {target!r}")
        label, weight, vector = target
        if not isinstance(label, str):
            raise EngineError(f"custom target {i}: the label must be a string")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise EngineError(f"custom target {label!r}: the weight must be a number")
        if not math.isfinite(weight) or weight <= 0:
            raise EngineError(f"custom target {label!r}: the weight must be positive, got {weight}")
        vector = torch.as_tensor(vector)
        if tuple(vector.shape) != (d_model,):
            raise EngineError(
                f"custom target {label!r}: the vector has shape {tuple(vector.shape)}, "
                f"expected ({d_model},) (the model's d_model)"
            )
        if not torch.isfinite(vector).all():
            raise EngineError(f"custom target {label!r}: the vector has NaN or infinite entries")
        labels.append(label)
        weights.append(float(weight))
        vectors.append(vector.to(device=W_U.device, dtype=W_U.dtype))
    if not labels:
        raise EngineError("the list of custom targets is empty")
    return LogitTargets(
        tokens=torch.arange(d_vocab, d_vocab + len(labels)),
        probabilities=torch.tensor(weights, dtype=torch.float32, device=W_U.device),
        vectors=torch.stack(vectors),
        labels=labels,
        description={**description, "labels": labels, "weights": weights},
    )


def select_targets(
    logits: torch.Tensor,
    W_U: torch.Tensor,
    *,
    max_n_logits: int,
    desired_logit_prob: float,
    attribution_targets: TargetSpec = None,
    tokenizer=None,
) -> LogitTargets:
    """The targets of a graph from the last position's logits [d_vocab] and W_U [d_model,
    d_vocab]; `attribution_targets` as in the module docstring."""
    probs = torch.softmax(logits, dim=-1)
    d_model, d_vocab = W_U.shape
    spec = attribution_targets
    if spec is None:
        if max_n_logits < 1:
            raise EngineError("max_n_logits must be at least 1")
        top_p, top_idx = torch.topk(probs, min(max_n_logits, d_vocab))
        cutoff = int(torch.searchsorted(torch.cumsum(top_p, 0), desired_logit_prob)) + 1
        return _token_targets(top_idx[:cutoff], probs, W_U, tokenizer, {"kind": "salient"})
    if isinstance(spec, LogitDiff):
        a, b = (resolve_token(tokenizer, d_vocab, t) for t in (spec.a, spec.b))
        if a == b:
            raise EngineError("a logit difference needs two different tokens")
        texts = [_decode(tokenizer, a), _decode(tokenizer, b)]
        weight = max(abs(float(probs[a]) - float(probs[b])), MIN_DIFF_WEIGHT)
        description = {"kind": "logit_diff", "tokens": texts, "token_ids": [a, b]}
        target = CustomTarget(diff_label(*texts), weight, W_U[:, a] - W_U[:, b])
        return _custom_targets([target], d_vocab, d_model, W_U, description)
    if isinstance(spec, torch.Tensor):
        spec = spec.reshape(-1).tolist()
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence):
        raise EngineError(f"attribution targets must be tokens or custom targets, got {spec!r}")
    if len(spec) == 0:
        raise EngineError("the list of attribution targets is empty")
    if all(isinstance(t, tuple) for t in spec):
        return _custom_targets(spec, d_vocab, d_model, W_U, {"kind": "vectors"})
    ids = [resolve_token(tokenizer, d_vocab, t) for t in spec]
    repeated = next((i for n, i in enumerate(ids) if i in ids[:n]), None)
    if repeated is not None:  # two nodes would share one id
        raise EngineError(f"target token {_decode(tokenizer, repeated)!r} is given twice")
    description = {
        "kind": "tokens",
        "tokens": [_decode(tokenizer, i) for i in ids],
        "token_ids": ids,
    }
    index = torch.tensor(ids, dtype=torch.long, device=logits.device)
    return _token_targets(index, probs, W_U, tokenizer, description)
