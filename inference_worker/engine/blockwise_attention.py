"""Attention computed in query blocks, never as whole [heads, pos, pos] patterns.

TransformerLens builds each layer's scores and pattern whole: on an 8,192-token prompt that is
several copies of heads x 8,192^2 floats per layer in the forward pass, and the frozen pass then
keeps every layer's pattern for the backward passes. Here a block of queries is scored against
only the keys it can see (all earlier ones; the last `window_size` ones for local attention),
soft-capped, masked, soft-maxed and mixed into `z`; nothing larger than one block's pattern ever
exists. The frozen pass keeps pattern blocks up to a byte budget shared by all layers
(PATTERN_BUDGET: every block on short prompts) and, past it, only the rotated queries, keys and
each query's log-sum-exp: a backward pass recomputes those blocks and returns `P^T @ grad` for the
values (the pattern is frozen, so no gradient reaches the queries or keys). Under `torch.func.vmap` the batch of cotangents is folded
into the last dimension, so one matmul per block serves every row of a batch.

Per query row the same scores, cap, mask and softmax are applied as in TransformerLens; only the
number of masked (zero-weight) keys in a row differs, so values agree to float rounding.
Configurations this does not cover (ALiBi, relative position bias, attention sinks, QK-norm on
whole vectors, clipped QKV, log-n scaling, bidirectional attention, 4-bit weights, per-head
results) keep TransformerLens's own forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

# Elements of one block's scores; bounds the temporaries of every block (about 16 MB of float32).
BLOCK_ELEMENTS = 1 << 22
PATTERN_BUDGET = 256 << 20  # bytes of frozen pattern blocks kept for the backward passes
_UNSUPPORTED_ARCHS = ("OlmoeForCausalLM", "Olmo2ForCausalLM", "Olmo3ForCausalLM")


@dataclass(frozen=True)
class AttentionShape:
    n_pos: int
    window: int | None  # local attention: keys q - window < k <= q
    scale: float
    soft_cap: float | None

    def blocks(self, n_heads: int):
        """(query start, query end, key start) of each block."""
        span = self.n_pos if self.window is None else min(self.n_pos, 2 * self.window)
        step = max(1, min(self.n_pos, BLOCK_ELEMENTS // max(1, n_heads * span)))
        if self.window is not None:
            step = min(step, self.window)
        for a in range(0, self.n_pos, step):
            b = min(self.n_pos, a + step)
            lo = 0 if self.window is None else max(0, a - self.window + 1)
            yield a, b, lo


def supports_blockwise(attn) -> bool:
    cfg = attn.cfg
    return (
        cfg.positional_embedding_type in ("standard", "rotary", "shortformer")
        and cfg.original_architecture not in _UNSUPPORTED_ARCHS
        and (getattr(attn, "_attention_dir_override", None) or cfg.attention_dir) == "causal"
        and cfg.clip_qkv is None
        and not getattr(cfg, "use_logn_attn", False)
        and not getattr(cfg, "use_attention_sinks", False)
        and not cfg.use_attn_result
        and not cfg.load_in_4bit
    )


def _scores(q: torch.Tensor, k: torch.Tensor, a: int, b: int, lo: int, shape: AttentionShape):
    """Soft-capped scores of queries a..b-1 over keys lo..b-1 (before the causal mask)."""
    scores = q[:, a:b] @ k[:, lo:b].transpose(-1, -2) / shape.scale
    if shape.soft_cap is not None and shape.soft_cap > 0:
        scores = shape.soft_cap * torch.tanh(scores / shape.soft_cap)
    return scores


def _visible(a: int, b: int, lo: int, shape: AttentionShape, device) -> torch.Tensor:
    qpos = torch.arange(a, b, device=device)[:, None]
    kpos = torch.arange(lo, b, device=device)[None, :]
    visible = kpos <= qpos
    if shape.window is not None:
        visible &= kpos > qpos - shape.window
    return visible


def _pattern(q: torch.Tensor, k: torch.Tensor, a: int, b: int, lo: int, shape: AttentionShape):
    """Pattern rows of queries a..b-1 over keys lo..b-1: [heads, b - a, b - lo]."""
    scores = _scores(q, k, a, b, lo, shape)
    scores = torch.where(_visible(a, b, lo, shape, q.device), scores, float("-inf"))
    pattern = F.softmax(scores, dim=-1)
    return torch.where(torch.isnan(pattern), torch.zeros_like(pattern), pattern)


class Patterns:
    """A frozen layer's pattern blocks: kept while the shared byte budget lasts, otherwise
    recomputed on each backward pass from the queries, keys and each row's log-sum-exp."""

    def __init__(self, budget: list[int]) -> None:
        self.budget = budget  # [bytes left], shared by every layer of one frozen pass
        self.kept: dict[int, torch.Tensor] = {}
        self.lse: torch.Tensor | None = None

    def record(self, q, k, a: int, b: int, lo: int, shape: AttentionShape, pattern) -> None:
        size = pattern.numel() * pattern.element_size()
        if size <= self.budget[0]:
            self.budget[0] -= size
            self.kept[a] = pattern
            return
        if self.lse is None:
            self.lse = q.new_zeros(q.shape[0], q.shape[1])
        scores = _scores(q, k, a, b, lo, shape)
        scores = torch.where(_visible(a, b, lo, shape, q.device), scores, float("-inf"))
        self.lse[:, a:b] = torch.logsumexp(scores, dim=-1)

    def recompute(self, scaled_q, k, a: int, b: int, lo: int, shape: AttentionShape, work):
        """The pattern block of queries a..b-1, written into `work`: a scratch buffer reused
        across blocks (a fresh 16 MB block per call would be mapped, page-faulted and unmapped
        each time: memory.py)."""
        p = work[: scaled_q.shape[0] * (b - a) * (b - lo)].view(scaled_q.shape[0], b - a, b - lo)
        torch.bmm(scaled_q[:, a:b], k[:, lo:b].transpose(-1, -2), out=p)
        if shape.soft_cap is not None and shape.soft_cap > 0:
            p.tanh_().mul_(shape.soft_cap)
        p.sub_(self.lse[:, a:b, None]).exp_()
        _hide_invisible_(p, a, b, lo, shape)
        return p

    @staticmethod
    def scaled_queries(q: torch.Tensor, shape: AttentionShape) -> torch.Tensor:
        """q divided once by what every score is divided by before the soft-cap's tanh (the
        scale, and the cap), so a recomputed block needs no division pass."""
        divisor = shape.scale
        if shape.soft_cap is not None and shape.soft_cap > 0:
            divisor *= shape.soft_cap
        return q / divisor


def _hide_invisible_(p: torch.Tensor, a: int, b: int, lo: int, shape: AttentionShape) -> None:
    """Zero the keys queries a..b-1 cannot see, in place. Under global attention only keys a..b-1
    (the block's own diagonal square) can lie in a query's future."""
    if shape.window is None:
        diagonal = p[:, :, a - lo :]
        future = torch.ones(b - a, b - a, dtype=torch.bool, device=p.device).triu_(1)
        diagonal.masked_fill_(future, 0.0)
        return
    p.masked_fill_(~_visible(a, b, lo, shape, p.device), 0.0)


def mix(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    shape: AttentionShape,
    patterns: Patterns | None = None,
) -> torch.Tensor:
    """z = pattern @ v for q, k, v [heads, pos, d_head] (no gradient through the pattern)."""
    z = v.new_empty(q.shape[0], q.shape[1], v.shape[-1])
    for a, b, lo in shape.blocks(q.shape[0]):
        p = _pattern(q, k, a, b, lo, shape).to(v.dtype)
        z[:, a:b] = p @ v[:, lo:b]
        if patterns is not None:
            patterns.record(q, k, a, b, lo, shape, p)
    return z


def _live_queries(grad: torch.Tensor) -> list[int]:
    """How many query positions up to each one have a gradient that is not all zero. A row
    targeting position p pulls back nothing past p, and the attention just below a feature sees
    only the rows' own positions, so many query blocks add exactly zero."""
    return grad.ne(0).any(dim=-1).any(dim=0).cumsum(0).tolist()


def mix_transposed(
    q: torch.Tensor, k: torch.Tensor, grad: torch.Tensor, shape: AttentionShape, patterns
) -> torch.Tensor:
    """pattern^T @ grad for grad [heads, pos, d] (any d). Query blocks whose gradient rows are
    all zero are neither recomputed nor multiplied."""
    out = torch.zeros_like(grad)
    live = _live_queries(grad)
    scaled_q = work = None
    for a, b, lo in shape.blocks(q.shape[0]):
        if live[b - 1] == (live[a - 1] if a else 0):
            continue
        block = patterns.kept.get(a)
        if block is None:  # the scaled queries and the buffer only where a block is recomputed
            if scaled_q is None:
                scaled_q = Patterns.scaled_queries(q, shape)
            size = q.shape[0] * (b - a) * (b - lo)
            if work is None or work.numel() < size:
                work = q.new_empty(max(BLOCK_ELEMENTS, size))
            block = patterns.recompute(scaled_q, k, a, b, lo, shape, work)
        out[:, lo:b].baddbmm_(block.to(grad.dtype).transpose(-1, -2), grad[:, a:b])
    return out


class BlockMixT(torch.autograd.Function):
    """pattern^T @ g with the pattern kept or recomputed blockwise; vmap folds the batch into d."""

    @staticmethod
    def forward(q, k, grad, shape, patterns):
        return mix_transposed(q, k, grad, shape, patterns)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        return None

    @staticmethod
    def vmap(info, in_dims, q, k, grad, shape, patterns):
        if in_dims[0] is not None or in_dims[1] is not None:
            raise NotImplementedError("frozen queries and keys are never batched")
        g = grad.movedim(in_dims[2], -1)  # [heads, pos, d, B]
        folded = g.reshape(*g.shape[:-2], g.shape[-2] * g.shape[-1])
        out = mix_transposed(q, k, folded, shape, patterns).reshape(g.shape)
        return out.movedim(-1, 0), 0


class FrozenBlockMix(torch.autograd.Function):
    """z = pattern(q, k) @ v with the pattern frozen: the gradient flows to v only."""

    @staticmethod
    def forward(q, k, v, shape, patterns):
        return mix(q, k, v, shape, patterns)

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        q, k, _, shape, patterns = inputs
        ctx.save_for_backward(q, k)
        ctx.shape, ctx.patterns = shape, patterns

    @staticmethod
    def backward(ctx, grad):
        q, k = ctx.saved_tensors
        return None, None, BlockMixT.apply(q, k, grad, ctx.shape, ctx.patterns), None, None


def blockwise_forward(attn, budget: list[int] | None):
    """A replacement for `attn.forward` (no KV cache, no padding mask); with a pattern `budget`
    ([bytes], shared by the layers) it runs the frozen pass."""
    cfg = attn.cfg
    grouped = hasattr(attn, "repeat_kv_heads") and not cfg.ungroup_grouped_query_attention
    window = cfg.window_size if attn.attn_type == "local" else None
    soft_cap = cfg.attn_scores_soft_cap if cfg.attn_scores_soft_cap else None

    def forward(query_input, key_input, value_input, past_kv_cache_entry=None, **kwargs):
        mask = kwargs.pop("attention_mask", None)
        padded = mask is not None and not bool(mask.all())
        if past_kv_cache_entry is not None or padded or any(v is not None for v in kwargs.values()):
            raise NotImplementedError("blockwise attention runs whole unpadded prompts only")
        q, k, v = attn.calculate_qkv_matrices(query_input, key_input, value_input)
        if cfg.positional_embedding_type == "rotary":
            q = attn.hook_rot_q(attn.apply_rotary(q, 0, None))
            k = attn.hook_rot_k(attn.apply_rotary(k, 0, None))
        if grouped:
            k = torch.repeat_interleave(k, dim=2, repeats=attn.repeat_kv_heads)
            v = torch.repeat_interleave(v, dim=2, repeats=attn.repeat_kv_heads)
        # one prompt: [1, pos, heads, d_head] -> [heads, pos, d_head]
        q_, k_, v_ = (t[0].transpose(0, 1) for t in (q, k, v))
        shape = AttentionShape(q_.shape[1], window, float(attn.attn_scale), soft_cap)
        if budget is not None:
            z = FrozenBlockMix.apply(q_.detach(), k_.detach(), v_, shape, Patterns(budget))
        else:
            z = mix(q_, k_, v_, shape)
        z = attn.hook_z(z.transpose(0, 1)[None])  # [1, pos, heads, d_head]
        w = attn.W_O.reshape(-1, attn.W_O.shape[-1]).T.contiguous()  # [d_model, heads*d_head]
        return F.linear(z.reshape(z.shape[0], z.shape[1], -1).to(w.dtype), w, attn.b_O)

    return forward
