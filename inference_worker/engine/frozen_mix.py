"""Attention's frozen mixing `z = P @ v` (P a detached pattern) with a batched backward that
never copies P.

Under `torch.func.vmap`, the stock batching rule for `P^T @ g` with an unbatched P expands P to
the batch size: B copies of every [heads, pos, pos] pattern, which is exactly the memory the
single forward pass was meant to save. `MixT.vmap` instead folds the batch into the last
dimension, `P^T @ [.., pos, d_head * B]`: one matmul, no copy of P.
"""

from __future__ import annotations

import torch


class MixT(torch.autograd.Function):
    """P^T @ g for P [.., q, k], g [.., q, d]; its vmap rule folds a batched g's batch dim."""

    @staticmethod
    def forward(pattern: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
        return pattern.transpose(-1, -2) @ grad

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        return None

    @staticmethod
    def vmap(info, in_dims, pattern, grad):
        p_dim, g_dim = in_dims
        if p_dim is not None:  # never happens for a frozen pattern; stay correct anyway
            pattern = pattern.movedim(p_dim, 0)
            grad = (
                grad.movedim(g_dim, 0)
                if g_dim is not None
                else grad.expand(pattern.shape[0], *grad.shape)
            )
            return pattern.transpose(-1, -2) @ grad, 0
        g = grad.movedim(g_dim, -1)  # [.., q, d, B]
        folded = g.reshape(*g.shape[:-2], g.shape[-2] * g.shape[-1])  # [.., q, d * B]
        out = pattern.transpose(-1, -2) @ folded  # [.., k, d * B]
        out = out.reshape(*out.shape[:-1], g.shape[-2], g.shape[-1])
        return out.movedim(-1, 0), 0


class FrozenMix(torch.autograd.Function):
    """z = pattern @ v with the pattern frozen: the gradient flows to v only."""

    @staticmethod
    def forward(pattern: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return pattern @ v

    @staticmethod
    def setup_context(ctx, inputs, output) -> None:
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (pattern,) = ctx.saved_tensors
        return None, MixT.apply(pattern, grad)


def frozen_z_scores(attn):
    """A replacement for `attn.calculate_z_scores` that mixes through FrozenMix."""
    grouped = hasattr(attn, "repeat_kv_heads") and not attn.cfg.ungroup_grouped_query_attention

    def calculate_z_scores(v: torch.Tensor, pattern: torch.Tensor) -> torch.Tensor:
        if grouped:
            v = torch.repeat_interleave(v, dim=2, repeats=attn.repeat_kv_heads)
        z = FrozenMix.apply(pattern.detach(), v.transpose(1, 2))  # [batch, head, q, d_head]
        return attn.hook_z(z.transpose(1, 2))

    return calculate_z_scores
