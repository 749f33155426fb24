"""`AttributionResult`: the graph as a (features + logits) x N row block, never N x N.

Nodes (circuit-tracer's order): selected features by ascending active index, errors (layer-major,
then position), tokens, logits (the attribution targets: `logit_tokens` holds each one's vocab id,
or d_vocab + i for custom target i). Only feature and logit rows can be non-zero, so the result keeps
`block` [m + n_logits, m + (n_layers + 1) * n_pos]: those rows, over every non-logit column (the
logit columns are zero too). `dense_adjacency()` builds the N x N matrix for small graphs only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class AttributionResult:
    input_tokens: torch.Tensor  # [n_pos]
    prompt_tokens: list[str]
    prompt: str
    logit_tokens: torch.Tensor  # [n_logits]
    logit_probabilities: torch.Tensor  # [n_logits]: each target's weight
    active_features: torch.Tensor  # [k, 3]
    activation_values: torch.Tensor  # [k]
    selected_features: torch.Tensor  # [m]
    block: torch.Tensor  # [m + n_logits, m + (n_layers + 1) * n_pos]
    n_layers: int
    d_transcoder: int
    logit_labels: list[str] = field(default_factory=list)  # what a viewer shows per target
    logit_vectors: torch.Tensor | None = None  # [n_logits, d_model]: the injected directions
    settings: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @property
    def n_pos(self) -> int:
        return int(self.input_tokens.numel())

    @property
    def n_features(self) -> int:
        return int(self.selected_features.numel())

    @property
    def n_logits(self) -> int:
        return int(self.logit_tokens.numel())

    @property
    def n_nodes(self) -> int:
        return self.n_features + (self.n_layers + 1) * self.n_pos + self.n_logits

    def row_nodes(self) -> torch.Tensor:
        """The node index of each block row."""
        m, n = self.n_features, self.n_nodes
        return torch.cat([torch.arange(m), torch.arange(n - self.n_logits, n)])

    def dense_adjacency(self) -> torch.Tensor:
        n = self.n_nodes
        dense = torch.zeros(n, n, dtype=self.block.dtype)
        dense[self.row_nodes(), : self.block.shape[1]] = self.block
        return dense
