"""Neuronpedia-compatible graph JSON (schema `graph-schema.json`, schema_version 1).

Node ids follow circuit-tracer/Neuronpedia: features `{layer}_{feature}_{ctx}` with `feature`
the Cantor pairing of (layer, feature); tokens `E_{token_id}_{ctx}`; logits
`{n_layers + 1}_{token_id}_{ctx}`. A custom attribution target (a logit difference, a direction)
is a logit node too, as circuit-tracer exports it: its id holds the virtual index d_vocab + i, its
clerp `Output "<label>" (p=<weight>)` (a logit difference is labelled "A - B", with a minus sign), and
`metadata.generation_settings.attribution_targets` says how the targets were chosen.

Error nodes: circuit-tracer 0.5.0 names them `0_{layer}_{ctx}`, which collides with the feature
`{layer}` of layer 0 at the same position (its issue #78). We name them
`{layer}_{d_transcoder}_{ctx}`: still three integers (so viewers that split ids on "_" keep
working), the layer in front as for features, and `d_transcoder` in the feature slot, one past
the largest feature index, so no feature can ever have the same id. They keep `feature: -1` and
`feature_type: "mlp reconstruction error"`, which is how viewers recognise them.

Exported like circuit-tracer: the kept nodes that have a kept edge, plus all tokens and logits;
the kept edges between them. A node's JSON `influence` is its cumulative share
(`PruneResult.cumulative_share`, smaller = more important, the explorer's slider cuts on it), not
its logit influence.
"""

from __future__ import annotations

import time

import torch

from .pruning import PruneResult
from .result import AttributionResult
from .settings import DEFAULTS
from .version import __version__

GENERATOR = {"name": "circuitscope-engine"}


def cantor(x: int, y: int) -> int:
    return (x + y) * (x + y + 1) // 2 + y


def _node(node_id: str, feature: int, layer: str, ctx: int, kind: str, js: str, **extra) -> dict:
    return {
        "node_id": node_id,
        "feature": feature,
        "layer": layer,
        "ctx_idx": ctx,
        "feature_type": kind,
        "token_prob": 0.0,
        "is_target_logit": False,
        "run_idx": 0,
        "reverse_ctx_idx": 0,
        "jsNodeId": js,
        "clerp": "",
        "influence": None,
        "activation": None,
        **extra,
    }


def build_nodes(result: AttributionResult, pruned: PruneResult, tokenizer=None) -> dict[int, dict]:
    m, L, P = result.n_features, result.n_layers, result.n_pos
    err_end, tok_end = m + L * P, m + L * P + P
    share = pruned.cumulative_share.tolist()
    nodes: dict[int, dict] = {}
    for idx in pruned.node_mask.nonzero().flatten().tolist():
        if idx < m:
            active = int(result.selected_features[idx])
            layer, pos, feat = result.active_features[active].tolist()
            nodes[idx] = _node(
                f"{layer}_{feat}_{pos}",
                cantor(layer, feat),
                str(layer),
                pos,
                "cross layer transcoder",
                f"{layer}_{feat}-0",
                influence=share[idx],
                activation=float(result.activation_values[active]),
            )
        elif idx < err_end:
            layer, pos = divmod(idx - m, P)
            node_id = f"{layer}_{result.d_transcoder}_{pos}"
            nodes[idx] = _node(
                node_id,
                -1,
                str(layer),
                pos,
                "mlp reconstruction error",
                f"{node_id}-0",
                influence=share[idx],
            )
        elif idx < tok_end:
            pos = idx - err_end
            tok = int(result.input_tokens[pos])
            nodes[idx] = _node(
                f"E_{tok}_{pos}", pos, "E", pos, "embedding", f"E_{tok}-{pos}", influence=share[idx]
            )
        else:
            j = idx - tok_end
            vocab = int(result.logit_tokens[j])
            prob = float(result.logit_probabilities[j])
            text = (
                result.logit_labels[j]
                if result.logit_labels
                else tokenizer.decode([vocab])
                if tokenizer is not None
                else str(vocab)
            )
            nodes[idx] = _node(
                f"{L + 1}_{vocab}_{P - 1}",
                vocab,
                str(L + 1),
                P - 1,
                "logit",
                f"L_{vocab}-{P - 1}",
                token_prob=prob,
                is_target_logit=j == 0,
                clerp=f'Output "{text}" (p={prob:.3f})',
            )
    return nodes


def build_links(
    result: AttributionResult, pruned: PruneResult, nodes: dict[int, dict]
) -> list[dict]:
    rows = result.row_nodes()
    r_idx, c_idx = pruned.edge_mask.nonzero(as_tuple=True)
    # edges between exported nodes only, chosen before any Python object is made per edge
    exported = torch.zeros(result.n_nodes, dtype=torch.bool)
    exported[list(nodes)] = True
    targets = rows[r_idx]
    both = exported[targets] & exported[c_idx]
    r_idx, c_idx, targets = r_idx[both], c_idx[both], targets[both]
    weights = result.block.cpu()[r_idx, c_idx].tolist()
    ids = {i: node["node_id"] for i, node in nodes.items()}
    return [
        {"source": ids[c], "target": ids[r], "weight": w}
        for r, c, w in zip(targets.tolist(), c_idx.tolist(), weights, strict=True)
    ]


def to_graph_json(
    result: AttributionResult,
    pruned: PruneResult,
    *,
    slug: str,
    scan: str | None = None,
    node_threshold: float = DEFAULTS.node_threshold,
    edge_threshold: float = DEFAULTS.edge_threshold,
    tokenizer=None,
    feature_json_base_url: str | None = None,
    creator_name: str | None = None,
    description: str | None = None,
    scores: tuple[float, float] | None = None,
) -> dict:
    """The pruned graph as a Neuronpedia graph JSON dict."""
    info_set = result.meta.get("transcoders")
    nodes = build_nodes(result, pruned, tokenizer)
    links = build_links(result, pruned, nodes)
    used = {link["source"] for link in links} | {link["target"] for link in links}
    node_list = [
        n
        for n in nodes.values()
        if n["node_id"] in used or n["feature_type"] in ("embedding", "logit")
    ]
    scan = (
        scan
        or (info_set.scan if info_set and info_set.scan else None)
        or result.meta.get("model_name")
        or "model"
    )
    info: dict = {
        "generator": {**GENERATOR, "version": __version__},
        "create_time_ms": int(time.time() * 1000),
    }
    if info_set is not None:
        info["transcoder_set"] = info_set.source
        if (
            info_set.source
            and "/" in info_set.source
            and not info_set.source.startswith(("/", "."))
        ):
            info["source_urls"] = [f"https://huggingface.co/{info_set.source}"]
    if creator_name:
        info["creator_name"] = creator_name
    if description:
        info["description"] = description
    if scores is not None:
        info["replacement_score"], info["completeness_score"] = scores
    metadata: dict = {
        "slug": slug,
        "scan": scan,
        "transcoder_list": [],
        "prompt_tokens": list(result.prompt_tokens),
        "prompt": result.prompt,
        "node_threshold": node_threshold,
        "schema_version": 1,
        "info": info,
        "generation_settings": {k: v for k, v in result.settings.items() if v is not None},
        "pruning_settings": {"node_threshold": node_threshold, "edge_threshold": edge_threshold},
    }
    source_set = info_set.neuronpedia_source_set if info_set is not None else None
    if source_set:
        metadata["feature_details"] = {"neuronpedia_source_set": source_set}
    elif feature_json_base_url or (info_set and info_set.extra.get("feature_json_base_url")):
        metadata["feature_details"] = {
            "feature_json_base_url": feature_json_base_url
            or info_set.extra["feature_json_base_url"]
        }
    return {
        "metadata": metadata,
        "qParams": {
            "pinnedIds": [],
            "supernodes": [],
            "linkType": "both",
            "clickedId": "",
            "sg_pos": "",
        },
        "nodes": node_list,
        "links": links,
    }
