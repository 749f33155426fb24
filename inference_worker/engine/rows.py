"""Attribution rows as batched vector-Jacobian products over the single frozen forward pass.

A row is the direct effect of every source node on one target: inject the target's direction
(a feature's encoder row at its layer's transcoder input, or a logit's demeaned unembedding at the
unembed input) and read the gradient at each source's output (scaled decoder vectors, error
vectors, token embeddings). Because the frozen model is linear, a batch of B targets is one
`torch.func.vmap` of the single pass's vector-Jacobian product: the forward activations are
stored once, not B times, only the [B, n_pos, d_model] gradients are batch-sized, and attention's
frozen patterns are never copied per row (frozen_mix.py). Layers without a target in the batch
get an unbatched zero cotangent.

Column layout of a row (as circuit-tracer's): active features (k), errors (layer-major, then
position), tokens, then the logits (always zero).
"""

from __future__ import annotations

import torch

from .components import Components
from .memory import THRESHOLD
from .replacement import ForwardState

GRAD_BUDGET = 256 << 20
MIN_ROWS_PER_CALL = 64


class RowComputer:
    def __init__(self, state: ForwardState, comp: Components, n_logits: int) -> None:
        self.state = state
        self.comp = comp
        self.n_layers = len(state.inputs)
        self.n_pos = state.tokens.numel()
        self.k = comp.active.shape[0]
        self.n_cols = self.k + (self.n_layers + 1) * self.n_pos + n_logits
        # One call materialises a gradient [rows, n_pos, d_model] per layer and a dense row per
        # target: cap the rows per call so that this stays near GRAD_BUDGET bytes.
        per_row = 4 * ((self.n_layers + 2) * self.n_pos * state.embed.shape[-1] + self.n_cols)
        self.rows_per_call = max(1, GRAD_BUDGET // per_row)
        # On short prompts that cap is far above the batch size, and a call's tensors (the rows,
        # each layer's gradient) grow past malloc's mmap threshold (memory.py): each is then
        # mapped, page-faulted and unmapped on every call, which cost more than the arithmetic.
        # Calls of rows that keep the largest of them under the threshold (never fewer than
        # MIN_ROWS_PER_CALL) reuse heap memory instead and hold a smaller peak.
        widest = 4 * max(self.n_pos * state.embed.shape[-1], self.n_cols)
        small = max(MIN_ROWS_PER_CALL, THRESHOLD // widest)
        self.rows_per_call = min(self.rows_per_call, small)

    def compute(
        self, layers: torch.Tensor, positions: torch.Tensor, vectors: torch.Tensor
    ) -> torch.Tensor:
        """Rows [B, n_cols] for targets injecting vectors[b] at (layers[b], positions[b]).

        layer == n_layers means the unembed input (a logit target)."""
        st = self.state
        B, d = vectors.shape
        zero = vectors.new_zeros(1, self.n_pos, d)
        cots: list[torch.Tensor] = [zero] * (self.n_layers + 1)  # unbatched zeros elsewhere
        dims: list[int | None] = [None] * (self.n_layers + 1)
        for layer in layers.unique().tolist():
            mask = layers == layer
            g = vectors.new_zeros(B, 1, self.n_pos, d)
            b_idx = mask.nonzero(as_tuple=True)[0]
            g[b_idx, 0, positions[mask].to(g.device)] = vectors[mask].to(g.dtype)
            cots[layer], dims[layer] = g, 0
        top = int(layers.max())
        in_dims = ((tuple(dims[:-1]), dims[-1]),)
        grad_embed, grad_outs = torch.func.vmap(st.vjp, in_dims=in_dims)(
            (tuple(cots[:-1]), cots[-1])
        )
        grads = [grad_embed, *grad_outs[:top]]
        rows = vectors.new_zeros(B, self.n_cols)
        err0 = self.k
        for layer, g in enumerate(grads[1:]):
            if g is None:
                continue
            g = g[:, 0]  # [B, n_pos, d]
            self.comp.writes[layer].add_into(rows, g)
            start = err0 + layer * self.n_pos
            rows[:, start : start + self.n_pos] = torch.einsum(
                "bpd,pd->bp", g, self.comp.errors[layer]
            )
        if grads[0] is not None:
            start = err0 + self.n_layers * self.n_pos
            rows[:, start : start + self.n_pos] = torch.einsum(
                "bpd,pd->bp", grads[0][:, 0], self.comp.token_vectors
            )
        return rows
