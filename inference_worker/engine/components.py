"""The nodes of a graph, read off the one frozen forward pass.

Active features are every non-zero transcoder activation outside position 0, ordered by
(layer, position, feature) as circuit-tracer's coalesced sparse matrix is. Each has an encoder
direction (what a row injects, read on demand) and one scaled decoder vector per layer it writes to (what a
column reads). Error nodes are the MLP output minus the transcoder reconstruction (skip and
decoder bias included), zero at position 0; token nodes are the embeddings.

The decoder vectors are kept once, in the padded per-layer tables that the rows score them from
(`DecoderWrites`): on long prompts they are among the largest tensors of a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .replacement import ForwardState
from .transcoders.base import TranscoderBase


class DecoderWrites:
    """The scaled decoder vectors written into one layer, padded per position so that one bmm
    scores a group of positions against a batch of gradients.

    Positions are grouped by how many writes they receive (sorted by count, GROUP positions a
    group) and each group is padded to its own widest position only: padding every position to
    the prompt's widest one cost up to twice the vectors' memory on long prompts."""

    GROUP = 256

    def __init__(self, idx: torch.Tensor, pos: torch.Tensor, vec: torch.Tensor, n_pos: int) -> None:
        """idx [w]: active index of each write's feature; pos [w]; vec [w, d_model]."""
        counts = torch.bincount(pos, minlength=n_pos)
        self.groups: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]] = []
        if pos.numel() == 0:
            return
        order = torch.argsort(pos, stable=True)
        pos_s, idx_s, vec_s = pos[order], idx[order], vec[order]
        starts = torch.cumsum(counts, 0) - counts
        slot = torch.arange(pos_s.numel(), device=pos.device) - starts[pos_s]
        by_count = torch.argsort(counts, descending=True, stable=True)
        by_count = by_count[counts[by_count] > 0]
        rank = torch.full((n_pos,), -1, dtype=torch.long, device=pos.device)
        rank[by_count] = torch.arange(by_count.numel(), device=pos.device)
        for g0 in range(0, by_count.numel(), self.GROUP):
            positions = by_count[g0 : g0 + self.GROUP]
            width = int(counts[positions[0]])
            member = (rank[pos_s] >= g0) & (rank[pos_s] < g0 + positions.numel())
            local = rank[pos_s[member]] - g0
            table = vec.new_zeros(positions.numel(), width, vec.shape[-1])
            table[local, slot[member]] = vec_s[member]
            flat = local * width + slot[member]  # where each write lands in [group * width]
            self.groups.append((positions, table, flat, idx_s[member]))

    @property
    def n_writes(self) -> int:
        return sum(cols.numel() for *_, cols in self.groups)

    def add_into(self, rows: torch.Tensor, grad: torch.Tensor) -> None:
        """rows[b, col] += grad[b, pos] . vec for every write; grad is [B, n_pos, d]."""
        for positions, table, flat, cols in self.groups:
            g = grad[:, positions]  # [B, group, d]
            scores = torch.bmm(g.transpose(0, 1), table.transpose(1, 2))  # [group, B, width]
            scores = scores.permute(1, 0, 2).reshape(grad.shape[0], -1)
            rows.index_add_(1, cols, scores[:, flat])


@dataclass
class Components:
    active: torch.Tensor  # [k, 3] long: layer, pos, feature
    values: torch.Tensor  # [k]
    errors: torch.Tensor  # [n_layers, n_pos, d_model]
    token_vectors: torch.Tensor  # [n_pos, d_model]
    writes: list[DecoderWrites]  # [n_layers]: the decoder writes into each layer


def encoder_vectors(tc: TranscoderBase, active: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """Encoder rows [len(idx), d_model] of active features idx, read from the transcoders on
    demand (keeping all k of them would cost as much memory as the decoders)."""
    rows = active[idx]
    out = None
    for layer in rows[:, 0].unique().tolist():
        mask = rows[:, 0] == layer
        enc = tc.encoder_rows(layer, rows[mask, 2].to(tc.W_enc[layer].device))
        if out is None:
            out = enc.new_empty(len(idx), enc.shape[-1])
        out[mask.to(out.device)] = enc
    return out


@torch.no_grad()
def compute_components(state: ForwardState, tc: TranscoderBase) -> Components:
    n_layers = len(state.inputs)
    n_pos = state.tokens.numel()
    d_model = state.embed.shape[-1]
    device, dtype = state.embed.device, state.embed.dtype
    actives, values = [], []
    recon = torch.zeros(n_layers, n_pos, d_model, device=device, dtype=dtype)
    write_idx: list[list[torch.Tensor]] = [[] for _ in range(n_layers)]
    write_pos: list[list[torch.Tensor]] = [[] for _ in range(n_layers)]
    write_vec: list[list[torch.Tensor]] = [[] for _ in range(n_layers)]
    writes: list[DecoderWrites] = []
    offset = 0
    for layer in range(n_layers):
        x = state.inputs[layer][0]
        acts = tc.encode(layer, x)
        acts[0] = 0  # position 0 (BOS) features are never nodes
        pos, feat = acts.nonzero(as_tuple=True)
        vals = acts[pos, feat]
        k = pos.numel()
        actives.append(torch.stack([torch.full_like(pos, layer), pos, feat], dim=1))
        values.append(vals)
        dec = tc.decoder_rows(layer, feat).to(dtype) * vals[:, None, None]  # [k, n_out, d]
        idx = torch.arange(offset, offset + k, device=device)
        for j in range(dec.shape[1]):
            out_layer = layer + j
            recon[out_layer].index_add_(0, pos, dec[:, j])
            write_idx[out_layer].append(idx)
            write_pos[out_layer].append(pos)
            write_vec[out_layer].append(dec[:, j])
        offset += k
        del dec
        # every write into this layer is known now (sources are this layer or earlier ones):
        # pack them and drop the loose vectors at once, which bounds the peak on long prompts
        writes.append(
            DecoderWrites(
                torch.cat(write_idx[layer]),
                torch.cat(write_pos[layer]),
                torch.cat(write_vec[layer]),
                n_pos,
            )
        )
        write_idx[layer] = write_pos[layer] = write_vec[layer] = []
    for layer in range(n_layers):
        if tc.has_skip:
            recon[layer] += tc.skip(layer, state.inputs[layer][0])
        recon[layer] += tc.output_bias(layer)
    outs = torch.stack([o[0] for o in state.outputs])
    errors = outs - recon
    errors[:, 0] = 0
    return Components(
        active=torch.cat(actives).long(),
        values=torch.cat(values),
        errors=errors,
        token_vectors=state.embed[0],
        writes=writes,
    )
