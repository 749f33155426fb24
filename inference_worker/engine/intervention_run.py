"""One forward pass of the replacement model with feature / error-node interventions.

An intervention changes a transcoder feature's activation at one position (set it, scale it,
or zero it); the change times the feature's decoder row is added to the MLP output of every
layer the feature writes to (its own layer for a per-layer transcoder, that one and every later
one for a CLT). Downstream features read the perturbed residual stream. An error ablation
removes the MLP's error (output minus the transcoder reconstruction) at one position.

Freezing (prompt positions only; generated positions always run live):
- `freeze_attention`: attention patterns and every norm scale keep their clean-run values, so
  attention is a fixed linear mixing, as in the attribution graph.
- `constrained_layers`: those layers' MLP outputs keep their clean values (plus the transcoder
  skip recomputed from the live input, plus the interventions), and their features keep their
  clean activations. With every layer constrained the model is linear in the interventions and
  their effects are the graph's direct effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

GENERATED = "generated"


@dataclass(frozen=True)
class Intervention:
    layer: int
    position: int | str  # a prompt position, or GENERATED (every generated token)
    feature: int = 0  # ignored for error nodes
    mode: str = "ablate"  # "set" | "scale" | "ablate"
    value: float = 0.0  # the new activation ("set") or the multiplier ("scale")
    node: str = "feature"  # "feature" | "error"


@dataclass
class CleanCache:
    """The clean run of the prompt: what freezing pins."""

    n_prompt: int
    frozen: dict[str, torch.Tensor]  # hook name -> clean patterns / norm scales
    inputs: list[torch.Tensor]  # per layer [n_prompt, d_model]
    outputs: list[torch.Tensor]  # per layer [n_prompt, d_model]


@dataclass
class RunRecord:
    logits: torch.Tensor  # [n_pos, d_vocab], soft-capped
    inputs: list[torch.Tensor] = field(default_factory=list)  # per layer [n_pos, d_model]
    final: torch.Tensor | None = None  # [n_pos, d_model]: the unembedding's input


def _is_frozen_name(name: str) -> bool:
    return name.endswith(("hook_scale", "attn.hook_pattern"))


@torch.no_grad()
def clean_cache(rm, tokens: torch.Tensor) -> CleanCache:
    model, tc = rm.model, rm.transcoders
    n_layers = model.cfg.n_layers
    frozen: dict[str, torch.Tensor] = {}
    inputs: list = [None] * n_layers
    outputs: list = [None] * n_layers

    def save(acts, hook):
        frozen[hook.name] = acts.clone()

    hooks = [(n, save) for n in model.hook_dict if _is_frozen_name(n)]
    for layer in range(n_layers):
        hooks.append(
            (
                f"blocks.{layer}.{tc.feature_input_hook}",
                lambda a, hook, layer=layer: inputs.__setitem__(layer, a[0].clone()),
            )
        )
        hooks.append(
            (
                f"blocks.{layer}.{tc.feature_output_hook}",
                lambda a, hook, layer=layer: outputs.__setitem__(layer, a[0].clone()),
            )
        )
    model.run_with_hooks(tokens.reshape(1, -1).to(model.cfg.device), fwd_hooks=hooks)
    return CleanCache(tokens.numel(), frozen, inputs, outputs)


def _positions(iv: Intervention, n_prompt: int, n_pos: int) -> list[int]:
    if iv.position == GENERATED:
        return list(range(n_prompt, n_pos))
    return [int(iv.position)]


def _new_activation(iv: Intervention, current: torch.Tensor) -> torch.Tensor:
    if iv.mode == "set":
        return torch.full_like(current, float(iv.value))
    if iv.mode == "scale":
        return current * float(iv.value)
    return torch.zeros_like(current)


@torch.no_grad()
def run_intervened(
    rm,
    tokens: torch.Tensor,
    interventions: list[Intervention],
    clean: CleanCache,
    *,
    freeze_attention: bool = True,
    constrained_layers=(),
) -> RunRecord:
    """Forward `tokens` (the prompt, maybe followed by generated tokens) with the interventions."""
    model, tc = rm.model, rm.transcoders
    n_layers, P, n_pos = model.cfg.n_layers, clean.n_prompt, tokens.numel()
    constrained = set(constrained_layers or ())
    tdt = tc.output_bias(0).dtype  # TransformerLens may hand float32 norms to a bfloat16 set
    live: list = [None] * n_layers
    acts_at: list = [None] * n_layers  # per layer [n_pos, d_tc]: activations before the changes
    adds: list = [None] * n_layers  # per layer [n_pos, d_model]: decoder writes of the changes
    features = [iv for iv in interventions if iv.node == "feature"]
    errors = [iv for iv in interventions if iv.node == "error"]

    def pin(acts, hook):
        acts = acts.clone()
        if hook.name.endswith("hook_pattern"):  # [batch, head, query, key]
            acts[:, :, :P, :P] = clean.frozen[hook.name][:, :, :P, :P]
        else:  # norm scales [batch, pos, ...]
            acts[:, :P] = clean.frozen[hook.name][:, :P]
        return acts

    def at_input(acts, hook, layer):
        x = acts[0].to(tdt)
        live[layer] = x
        current = tc.encode(layer, x)
        if layer in constrained:
            current[:P] = tc.encode(layer, clean.inputs[layer].to(tdt))
        acts_at[layer] = current
        for iv in features:
            if iv.layer != layer:
                continue
            pos = torch.tensor(_positions(iv, P, n_pos), dtype=torch.long, device=x.device)
            if pos.numel() == 0:
                continue
            now = current[pos, iv.feature]
            delta = _new_activation(iv, now) - now
            dec = tc.decoder_rows(layer, torch.tensor([iv.feature], device=x.device))[0].to(tdt)
            for j in range(dec.shape[0]):  # a CLT feature writes to this and every later layer
                if adds[layer + j] is None:
                    adds[layer + j] = torch.zeros_like(x)
                adds[layer + j][pos] += delta[:, None] * dec[j]
        return acts

    def at_output(acts, hook, layer):
        out = acts.clone()
        if layer in constrained:
            out[0, :P] = clean.outputs[layer]
            if tc.has_skip:
                skip = tc.skip(layer, live[layer][:P]) - tc.skip(layer, clean.inputs[layer].to(tdt))
                out[0, :P] += skip.to(out.dtype)
        for iv in errors:
            if iv.layer == layer:
                pos = _positions(iv, P, n_pos)
                out[0, pos] = _reconstruction(tc, acts_at, live, layer, pos).to(out.dtype)
        if adds[layer] is not None:
            out[0] += adds[layer].to(out.dtype)
        return out

    hooks = []
    if freeze_attention:
        hooks += [(n, pin) for n in model.hook_dict if _is_frozen_name(n)]
    for layer in range(n_layers):
        hooks.append(
            (
                f"blocks.{layer}.{tc.feature_input_hook}",
                lambda a, hook, layer=layer: at_input(a, hook, layer),
            )
        )
        hooks.append(
            (
                f"blocks.{layer}.{tc.feature_output_hook}",
                lambda a, hook, layer=layer: at_output(a, hook, layer),
            )
        )
    record: dict = {}
    handle = model.unembed.register_forward_pre_hook(
        lambda mod, args: record.__setitem__("final", args[0])
    )
    try:
        logits = model.run_with_hooks(tokens.reshape(1, -1).to(model.cfg.device), fwd_hooks=hooks)
    finally:
        handle.remove()
    return RunRecord(logits=logits[0], inputs=live, final=record["final"][0])


def _reconstruction(tc, acts_at, live, layer: int, pos: list[int]) -> torch.Tensor:
    """The transcoder's reconstruction of `layer`'s MLP output at `pos` [len(pos), d_model]:
    decoder writes of every feature reading at this or (CLT) an earlier layer, bias, skip."""
    total = tc.output_bias(layer).expand(len(pos), -1).clone()
    for source in range(layer + 1):
        acts = acts_at[source][pos]  # [len(pos), d_tc]
        idx = acts.abs().sum(0).nonzero().flatten()
        if idx.numel() == 0:
            continue
        dec = tc.decoder_rows(source, idx)  # [k, n_out, d]
        j = layer - source
        if j >= dec.shape[1]:
            continue
        total += acts[:, idx].to(dec.dtype) @ dec[:, j]
    if tc.has_skip:
        total += tc.skip(layer, live[layer][pos])
    return total
