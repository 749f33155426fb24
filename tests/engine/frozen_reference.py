"""The ground truth of the perturbation tests: the frozen replacement model run forward, with
additive perturbations and without autograd (independent of the engine's batched VJP rows)."""

from __future__ import annotations

import torch


@torch.no_grad()
def frozen_run(
    rm,
    tokens: torch.Tensor,
    *,
    out_deltas: dict[int, torch.Tensor] | None = None,
    embed_delta: torch.Tensor | None = None,
) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Run the frozen replacement model with additive perturbations, without autograd.

    Attention patterns and norm scales are pinned to their clean-run values; each MLP output is
    pinned too, except for the transcoder skip, which is recomputed from the (perturbed) input.
    `out_deltas[layer]` [n_pos, d_model] is added to that layer's MLP output, `embed_delta` to the
    token embeddings. Returns each layer's transcoder input [n_pos, d_model] and the unembed input.
    This is the ground truth the attribution rows must equal (perturbation tests)."""
    model, tc = rm.model, rm.transcoders
    toks = tokens.reshape(1, -1)
    clean: dict[str, torch.Tensor] = {}
    pinned = [n for n in model.hook_dict if n.endswith(("hook_scale", "attn.hook_pattern"))]
    pinned += [f"blocks.{i}.{tc.feature_input_hook}" for i in range(model.cfg.n_layers)]
    pinned += [f"blocks.{i}.{tc.feature_output_hook}" for i in range(model.cfg.n_layers)]

    def save(acts, hook):
        clean[hook.name] = acts.clone()

    model.run_with_hooks(toks, fwd_hooks=[(n, save) for n in pinned])
    live: dict[str, torch.Tensor] = {}
    final: dict[str, torch.Tensor] = {}

    def pin(acts, hook):
        return clean[hook.name]

    def keep(acts, hook):
        live[hook.name] = acts
        return acts

    def out(acts, hook, layer):
        value = clean[hook.name].clone()
        if tc.has_skip:
            x_now = live[f"blocks.{layer}.{tc.feature_input_hook}"]
            x_clean = clean[f"blocks.{layer}.{tc.feature_input_hook}"]
            value = value + tc.skip(layer, x_now) - tc.skip(layer, x_clean)
        if out_deltas and layer in out_deltas:
            value = value + out_deltas[layer]
        return value

    def emb(acts, hook):
        return acts if embed_delta is None else acts + embed_delta

    hooks = [(n, pin) for n in pinned if n.endswith(("hook_scale", "hook_pattern"))]
    hooks.append(("hook_embed", emb))
    for i in range(model.cfg.n_layers):
        hooks.append((f"blocks.{i}.{tc.feature_input_hook}", keep))
        hooks.append((f"blocks.{i}.{tc.feature_output_hook}", lambda a, hook, i=i: out(a, hook, i)))
    handle = model.unembed.register_forward_pre_hook(
        lambda mod, args: final.__setitem__("x", args[0])
    )
    try:
        model.run_with_hooks(toks, fwd_hooks=hooks)
    finally:
        handle.remove()
    inputs = [live[f"blocks.{i}.{tc.feature_input_hook}"][0] for i in range(model.cfg.n_layers)]
    return inputs, final["x"][0]


def source_delta(rm, result, comp, col):
    """The (out_deltas, embed_delta) that switch on source node `col`."""
    m, L, P, d = result.n_features, result.n_layers, result.n_pos, rm.cfg.d_model
    zeros = lambda: torch.zeros(P, d, dtype=torch.float64)  # noqa: E731
    if col < m:
        active = int(result.selected_features[col])
        layer, pos, idx = result.active_features[active].tolist()
        dec = (
            rm.transcoders.decoder_rows(layer, torch.tensor([idx]))[0]
            * result.activation_values[active].double()
        )
        deltas = {}
        for j in range(dec.shape[0]):  # a CLT feature writes to every later layer
            deltas[layer + j] = zeros()
            deltas[layer + j][pos] = dec[j]
        return deltas, None
    if col < m + L * P:
        layer, pos = divmod(col - m, P)
        delta = zeros()
        delta[pos] = comp.errors[layer, pos]
        return {layer: delta}, None
    pos = col - m - L * P
    delta = zeros()
    delta[pos] = comp.token_vectors[pos]
    return None, delta
