"""Synthetic graph documents in the Neuronpedia format, for tests, factories and benchmarks.

Ids follow the format's conventions: features `{layer}_{index}_{ctx}`, error nodes
`0_{layer}_{ctx}` (feature = -1), token embeddings `E_{token}_{ctx}`, logits
`{n_layers+1}_{token}_{ctx}`. Feature indices start at FEATURE_INDEX_BASE so that error ids
never collide with feature ids (real circuit-tracer 0.5.0 graphs can collide; see validation).
"""

from __future__ import annotations

import json
import random
from typing import IO, Any

from graphs.features.ids import cantor_pair

FEATURE_INDEX_BASE = 1000


def cantor(layer: int, index: int) -> int:
    """Cantor pairing of (layer, index): the `feature` of schema_version 1 graphs."""
    return cantor_pair(layer, index)


def build_graph_document(
    *,
    n_layers: int = 2,
    features_per_layer_and_pos: int = 2,
    prompt_tokens: list[str] | None = None,
    n_logits: int = 2,
    links_per_node: int = 3,
    slug: str = "synthetic-graph",
    scan: str = "demo-model",
    seed: int = 0,
) -> dict[str, Any]:
    rng = random.Random(seed)
    tokens = prompt_tokens if prompt_tokens is not None else ["<bos>", "The", " cat", " sat"]
    nodes: list[dict[str, Any]] = []

    def node(node_id: str, feature: int | None, layer: str, ctx: int, kind: str, js: str) -> dict:
        return {
            "node_id": node_id,
            "feature": feature,
            "layer": layer,
            "ctx_idx": ctx,
            "feature_type": kind,
            "jsNodeId": js,
            "clerp": "",
            "influence": round(rng.random(), 6),
            "activation": round(rng.random() * 10, 4),
        }

    for ctx, _token in enumerate(tokens):
        token_id = 100 + ctx
        nodes.append(node(f"E_{token_id}_{ctx}", ctx, "E", ctx, "embedding", f"E_{token_id}-{ctx}"))
    for layer in range(n_layers):
        for ctx in range(1, len(tokens)):
            for k in range(features_per_layer_and_pos):
                index = FEATURE_INDEX_BASE + ctx * features_per_layer_and_pos + k
                nodes.append(
                    node(
                        f"{layer}_{index}_{ctx}",
                        cantor(layer, index),
                        str(layer),
                        ctx,
                        "cross layer transcoder",
                        f"{layer}_{index}-{k}",
                    )
                )
            nodes.append(
                node(
                    f"0_{layer}_{ctx}",
                    -1,
                    str(layer),
                    ctx,
                    "mlp reconstruction error",
                    f"{layer}_{ctx}-0",
                )
            )
    last = len(tokens) - 1
    for i in range(n_logits):
        token_id = 200 + i
        logit = node(
            f"{n_layers + 1}_{token_id}_{last}",
            token_id,
            str(n_layers + 1),
            last,
            "logit",
            f"L_{token_id}-{last}",
        )
        logit.update(influence=None, activation=None, clerp=f'Output "tok{i}" (p=0.{i}1)')
        logit["token_prob"] = 0.5 / (i + 1)
        logit["is_target_logit"] = i == 0
        nodes.append(logit)

    ids = [n["node_id"] for n in nodes]
    links = [
        {"source": rng.choice(ids), "target": target, "weight": round(rng.uniform(-2, 2), 6)}
        for target in ids
        for _ in range(links_per_node)
    ]
    return {
        "metadata": {
            "slug": slug,
            "scan": scan,
            "prompt_tokens": tokens,
            "prompt": "".join(tokens),
            "node_threshold": 0.8,
            "schema_version": 1,
            "info": {
                "description": "A synthetic graph for tests.",
                "generator": {
                    "name": "circuitscope-tests",
                    "version": "0",
                    "url": "https://example.org",
                },
            },
        },
        "qParams": {
            "pinnedIds": [],
            "supernodes": [],
            "linkType": "both",
            "clickedId": "",
            "sg_pos": "",
        },
        "nodes": nodes,
        "links": links,
    }


def write_synthetic_graph(
    fh: IO[bytes], *, target_bytes: int, n_layers: int = 26, n_tokens: int = 64, seed: int = 0
) -> tuple[int, int]:
    """Stream a valid graph of about `target_bytes` to `fh` without holding it in memory.

    About ten links per node, as in real pruned graphs. Returns (node count, link count).
    """
    rng = random.Random(seed)
    tokens = ["<bos>"] + [f" tok{i}" for i in range(1, n_tokens)]
    document = build_graph_document(
        n_layers=n_layers, features_per_layer_and_pos=1, prompt_tokens=tokens, links_per_node=0
    )
    base_nodes = document.pop("nodes")
    document.pop("links")
    # Average sizes, measured: a feature node ~300 bytes, a link ~75 bytes, 10 links per node.
    n_feature_nodes = max(1, target_bytes // (300 + 10 * 75))
    feature_nodes = []
    for k in range(n_feature_nodes):
        layer, ctx = rng.randrange(n_layers), rng.randrange(1, n_tokens)
        index = 10 * FEATURE_INDEX_BASE + k  # clear of the base graph's feature indices
        feature_nodes.append(
            {
                "node_id": f"{layer}_{index}_{ctx}",
                "feature": cantor(layer, index),
                "layer": str(layer),
                "ctx_idx": ctx,
                "feature_type": "cross layer transcoder",
                "jsNodeId": f"{layer}_{index}-{k}",
                "clerp": "",
                "influence": rng.random(),
                "activation": rng.random() * 10,
                "token_prob": 0.0,
                "is_target_logit": False,
            }
        )
    nodes = base_nodes + feature_nodes
    ids = [n["node_id"] for n in nodes]
    head = json.dumps(document)[:-1]  # the envelope without its closing brace
    written = fh.write(head.encode() + b', "nodes": [')
    for i, node in enumerate(nodes):
        written += fh.write((", " if i else "").encode() + json.dumps(node).encode())
    written += fh.write(b'], "links": [')
    n_links = 0
    while written < target_bytes - 64:
        # Formatted by hand (ids are plain ASCII): json.dumps per link would dominate the time.
        link = f'{{"source": "{rng.choice(ids)}", "target": "{rng.choice(ids)}", "weight": {rng.uniform(-5, 5)!r}}}'
        written += fh.write(((", " if n_links else "") + link).encode())
        n_links += 1
    fh.write(b"]}")
    return len(nodes), n_links
