"""The scientific checks of the demo's Dallas -> Austin graph, as functions a test (or a person at
a prompt) can run: which features lie on a pruned path from a token to a logit, whether a
feature relates to Texas, and what ablating it does to the model's prediction."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from inference_worker.demo import world


@dataclass(frozen=True)
class FeatureNode:
    layer: int
    pos: int
    index: int
    activation: float


def path_features(result, pruned, source_pos: int, logit_token: int) -> list[FeatureNode]:
    """Features of the pruned graph on some path from the token at `source_pos` to the logit of
    `logit_token`, following kept edges with non-zero weight (sources -> targets)."""
    n, m = result.n_nodes, result.n_features
    adjacency = result.dense_adjacency()  # [target, source]
    edges = pruned.dense_edge_mask(result) & (adjacency != 0)
    edges &= pruned.node_mask[:, None] & pruned.node_mask[None, :]
    token_node = m + result.n_layers * result.n_pos + source_pos
    logit_rows = (result.logit_tokens == logit_token).nonzero().flatten().tolist()
    if not logit_rows:
        return []
    logit_node = n - result.n_logits + logit_rows[0]
    downstream = _closure(edges.T, token_node)  # reachable from the token
    upstream = _closure(edges, logit_node)  # reaching the logit
    on_path = (downstream & upstream)[:m].nonzero().flatten().tolist()
    nodes = []
    for node in on_path:
        active = int(result.selected_features[node])
        layer, pos, index = result.active_features[active].tolist()
        nodes.append(FeatureNode(layer, pos, index, float(result.activation_values[active])))
    return nodes


def _closure(step: torch.Tensor, start: int) -> torch.Tensor:
    """Nodes reachable from `start` where step[a, b] means a move from a to b is allowed."""
    seen = torch.zeros(step.shape[0], dtype=torch.bool)
    seen[start] = True
    frontier = seen.clone()
    while frontier.any():
        reached = step[frontier].any(0) & ~seen
        seen |= reached
        frontier = reached
    return seen


def top_logit_tokens(model, transcoders, layer: int, index: int, k: int = 5) -> list[str]:
    """The k tokens a feature's total decoder write promotes most, through the unembedding."""
    decoder = transcoders.decoder_rows(layer, torch.tensor([index])).float().sum(1)[0]
    effect = decoder @ model.W_U.detach().float()
    return [model.tokenizer.decode([i]) for i in effect.topk(k).indices.tolist()]


def is_texas_context(text: str) -> bool:
    capital, cities = world.STATES["Texas"]
    return any(name in text for name in ("Texas", capital, *cities))


@torch.no_grad()
def max_activations(
    model, transcoders, texts: list[str], batch_size: int = 256
) -> list[torch.Tensor]:
    """Per layer, each text's maximum activation of every feature [n_texts, d_tc] (BOS and
    padding excluded), from batched forward passes."""
    encoded = [model.to_tokens(text)[0].tolist() for text in texts]
    width = max(len(ids) for ids in encoded)
    tokens = torch.tensor([ids + [0] * (width - len(ids)) for ids in encoded])
    real = torch.arange(width)[None, :] < torch.tensor([len(ids) for ids in encoded])[:, None]
    real[:, 0] = False
    hooks = [
        f"blocks.{layer}.{transcoders.feature_input_hook}" for layer in range(transcoders.n_layers)
    ]
    maxima: list[list[torch.Tensor]] = [[] for _ in hooks]
    for start in range(0, len(tokens), batch_size):
        batch = slice(start, start + batch_size)
        _, cache = model.run_with_cache(tokens[batch], names_filter=lambda name: name in hooks)
        for layer, hook in enumerate(hooks):
            acts = transcoders.encode(layer, cache[hook]) * real[batch, :, None]
            maxima[layer].append(acts.amax(1))
    return [torch.cat(m) for m in maxima]


def texas_selectivity(
    maxima: list[torch.Tensor], texts: list[str], layer: int, index: int, top: int = 10
) -> float:
    """Share of Texas contexts among the `top` texts the feature activates on most (0 if dead);
    `maxima` comes from `max_activations` over `texts`."""
    values = maxima[layer][:, index]
    ranked = [i for i in torch.argsort(-values, stable=True)[:top].tolist() if values[i] > 0]
    if not ranked:
        return 0.0
    return sum(is_texas_context(texts[i]) for i in ranked) / len(ranked)


@torch.no_grad()
def ablated_log_odds(
    model, transcoders, prompt: str, target: int, features: list[FeatureNode]
) -> float:
    """log(P / (1 - P)) of `target` at the last position, with each feature's decoded output
    removed from every MLP output it writes to (an empty list: the unablated model); everything
    downstream recomputes. Log-odds, in float64, because the demo model puts P(" Austin") within
    1e-4 of 1: a real drop in P is then invisible in P itself but not in its log-odds, and
    log-odds fall exactly when P falls."""
    hooks = []
    for feature in features:
        decoder = transcoders.decoder_rows(feature.layer, torch.tensor([feature.index]))[0]
        for offset in range(decoder.shape[0]):

            def remove(out, hook, vector=decoder[offset], feature=feature):
                out[:, feature.pos] -= feature.activation * vector.to(out.dtype)
                return out

            hooks.append(
                (f"blocks.{feature.layer + offset}.{transcoders.feature_output_hook}", remove)
            )
    logits = model.run_with_hooks(prompt, fwd_hooks=hooks)
    log_p = logits[0, -1].double().log_softmax(-1)[target]
    return float(log_p - torch.log(-torch.expm1(log_p)))
