"""Attribution graphs from a local replacement model (Ameisen et al., 2025), as circuit-tracer
0.5.0 computes them, in one forward pass and a row block's worth of memory.

Phases, each reported through `progress(phase, done, total)`:
1. forward: the frozen forward pass (see replacement.py); active features, errors, tokens.
2. logit rows: the direct effects on each attribution target (targets.py: salient logits,
   chosen tokens, a logit difference or any direction at the unembedding's input).
3. feature rows: the direct effects on each active feature's pre-activation. With a
   `max_feature_nodes` cap, features are visited by estimated influence: every
   `update_interval * batch_size` rows the partial influence of all features through the rows
   so far is recomputed, and the next queue is the top unvisited ones (circuit-tracer's
   schedule, so capped graphs select the same features).
Rows of a queue are computed in batches grouped by layer (cheaper backward passes) and written
to the slots circuit-tracer would use, so the influence ranking sums the same rows in the same
order.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import torch

from .components import compute_components, encoder_vectors
from .errors import EngineError
from .memory import limit_heap_fragmentation, release_free_heap
from .replacement import ReplacementModel
from .result import AttributionResult
from .rows import RowComputer
from .rowstore import RowLayout, SlotRows
from .rowstore_trimmed import row_store
from .settings import DEFAULTS
from .targets import TargetSpec, select_targets

Progress = Callable[[str, int, int], None]


def _noop(phase: str, done: int, total: int) -> None:
    return None


def attribute(
    replacement_model: ReplacementModel,
    prompt: str | torch.Tensor,
    *,
    max_n_logits: int = DEFAULTS.max_n_logits,
    desired_logit_prob: float = DEFAULTS.desired_logit_prob,
    attribution_targets: TargetSpec = None,
    max_feature_nodes: int | None = DEFAULTS.max_feature_nodes,
    batch_size: int = DEFAULTS.batch_size,
    update_interval: int = DEFAULTS.update_interval,
    progress: Progress | None = None,
) -> AttributionResult:
    """Compute the attribution graph of `prompt` (text, or token ids used exactly as given).

    `attribution_targets` (targets.py): None for the salient logits (`max_n_logits`,
    `desired_logit_prob`), token ids or strings, a `LogitDiff`, or `CustomTarget`s."""
    limit_heap_fragmentation()
    rm, report = replacement_model, progress or _noop
    if batch_size < 1:
        raise EngineError("batch_size must be at least 1")
    if max_feature_nodes is not None and max_feature_nodes < 0:
        raise EngineError("max_feature_nodes must be positive")
    tokens = rm.tokenize(prompt) if isinstance(prompt, str) else prompt
    tokens = rm.check_tokens(tokens)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    report("forward", 0, 1)
    state = rm.forward_state(tokens)
    comp = compute_components(state, rm.transcoders)
    release_free_heap()  # the packing temporaries of the decoder writes
    targets = select_targets(
        state.logits,
        rm.model.W_U,
        max_n_logits=max_n_logits,
        desired_logit_prob=desired_logit_prob,
        attribution_targets=attribution_targets,
        tokenizer=rm.tokenizer,
    )
    report("forward", 1, 1)
    timings["forward"] = time.perf_counter() - t0

    n_layers, n_pos, k = rm.cfg.n_layers, tokens.numel(), comp.active.shape[0]
    n_logits = targets.tokens.numel()
    logit_offset = k + (n_layers + 1) * n_pos
    total_nodes = logit_offset + n_logits
    n_feature_rows = min(max_feature_nodes if max_feature_nodes is not None else k, k)
    if max_feature_nodes == 0:
        n_feature_rows = 0
    computer = RowComputer(state, comp, n_logits)
    device = state.embed.device
    # Rows are kept in float32 (as circuit-tracer's), float64 only for float64 models (tests).
    row_dtype = torch.float64 if state.embed.dtype == torch.float64 else torch.float32
    store = row_store(
        RowLayout(
            n_feature_rows + n_logits, logit_offset, comp.active, n_layers, n_pos, device, row_dtype
        )
    )

    t0 = time.perf_counter()
    step = min(batch_size, computer.rows_per_call)
    for i in range(0, n_logits, step):
        vec = targets.vectors[i : i + step]
        b = vec.shape[0]
        layers, positions = torch.full((b,), n_layers), torch.full((b,), n_pos - 1)
        rows = computer.compute(layers, positions, vec)
        slots = torch.arange(i, i + b)
        store.add(slots, slots + logit_offset, layers, positions, rows[:, :logit_offset])
        report("logit rows", min(i + b, n_logits), n_logits)
    timings["logit rows"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    visited = _feature_rows(
        rm,
        computer,
        comp,
        targets.probabilities,
        store,
        total_nodes,
        n_logits,
        n_feature_rows,
        batch_size,
        update_interval,
        report,
    )
    timings["feature rows"] = time.perf_counter() - t0
    meta_nnz = store.stored_values()

    selected = torch.where(visited)[0]
    release_free_heap()  # the row calls' freed temporaries, before the block is built beside them
    block = _package(store, selected, k, logit_offset)
    tok = rm.tokenizer
    prompt_tokens = (
        [tok.decode([t]) for t in tokens.tolist()]
        if tok is not None
        else [str(t) for t in tokens.tolist()]
    )
    return AttributionResult(
        input_tokens=tokens.cpu(),
        prompt_tokens=prompt_tokens,
        prompt=tok.decode(tokens.tolist()) if tok is not None else " ".join(prompt_tokens),
        logit_tokens=targets.tokens,
        logit_probabilities=targets.probabilities.float().cpu(),
        logit_labels=targets.labels,
        logit_vectors=targets.vectors.detach().cpu(),
        active_features=comp.active.cpu(),
        activation_values=comp.values.float().cpu(),
        selected_features=selected.cpu(),
        block=block,
        n_layers=n_layers,
        d_transcoder=rm.transcoders.d_transcoder,
        settings={
            # The salient-logit settings only mean something when they chose the targets.
            **(
                {"max_n_logits": max_n_logits, "desired_logit_prob": desired_logit_prob}
                if targets.description["kind"] == "salient"
                else {"attribution_targets": targets.description}
            ),
            "batch_size": batch_size,
            "max_feature_nodes": max_feature_nodes,
        },
        meta={
            "timings": timings,
            "model_name": rm.cfg.model_name,
            "transcoders": rm.transcoders.info,
            "n_active_features": k,
            "stored_entries": meta_nnz,
        },
    )


def _feature_rows(
    rm,
    computer: RowComputer,
    comp,
    logit_p,
    store: SlotRows,
    total_nodes,
    n_logits,
    n_feature_rows,
    batch_size,
    update_interval,
    report,
) -> torch.Tensor:
    k = comp.active.shape[0]
    visited = torch.zeros(k, dtype=torch.bool)
    st, n_visited = n_logits, 0
    layers_all, pos_all = comp.active[:, 0], comp.active[:, 1]
    while n_visited < n_feature_rows:
        if n_feature_rows == k:
            pending = torch.arange(k)
        else:
            infl = store.partial_influence(st, logit_p, total_nodes)
            rank = torch.argsort(infl[:k], descending=True).cpu()
            queue_size = min(update_interval * batch_size, n_feature_rows - n_visited)
            pending = rank[~visited[rank]][:queue_size]
        # Same slots as circuit-tracer's queue order; computed in batches sorted by layer (cheaper
        # backward passes), then position (attention's backward stops at a batch's last
        # position), of at most rows_per_call rows (bounds the batched gradients' memory).
        order = torch.argsort(
            (layers_all[pending] * computer.n_pos + pos_all[pending]).cpu(), stable=True
        )
        step = min(batch_size, computer.rows_per_call)
        for a in range(0, len(order), step):
            pick = order[a : a + step]
            idx = pending[pick]
            rows = computer.compute(
                layers_all[idx], pos_all[idx], encoder_vectors(rm.transcoders, comp.active, idx)
            )
            store.add(st + pick, idx, layers_all[idx], pos_all[idx], rows[:, : store.n_cols])
            del rows
            n_visited += len(idx)
            report("feature rows", n_visited, n_feature_rows)
        visited[pending] = True
        st += len(pending)
    return visited


def _package(store: SlotRows, selected: torch.Tensor, k: int, logit_offset: int) -> torch.Tensor:
    """The dense block: rows sorted by node (features by active index, then logits); columns the
    selected features, errors and tokens."""
    device = store.device
    col_map = torch.full((logit_offset,), -1, dtype=torch.long, device=device)
    m = selected.numel()
    col_map[selected.to(device)] = torch.arange(m, device=device)
    col_map[k:] = torch.arange(m, m + logit_offset - k, device=device)
    row_of_slot = torch.empty(store.n_slots, dtype=torch.long, device=device)
    row_of_slot[torch.argsort(store.slot_node)] = torch.arange(store.n_slots, device=device)
    return store.to_block(row_of_slot, col_map, store.n_slots, m + logit_offset - k)
