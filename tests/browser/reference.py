"""What the explorer must show, computed independently in Python from the graph JSON.

`visible_ids` is the pruning rule of the influence slider (on each node's JSON `influence`, its
cumulative share: smaller = more important); `scores` applies the engine's replacement and
completeness definitions (inference_worker/engine/scores.py) to a graph JSON, with the logit
influence computed by the engine's own `influence` function; features outside a
subgraph's kept set count as error nodes (their input rows cut, as an error node has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from inference_worker.engine.influence import influence as engine_influence

ALWAYS = {"embedding", "logit"}


def kind(node: dict[str, Any]) -> str:
    t = str(node.get("feature_type", ""))
    if t in ALWAYS:
        return t
    return "error" if "error" in t else "feature"


def visible_ids(
    graph: dict[str, Any], threshold: float, pinned: Iterable[str] = (), clicked: str | None = None
) -> set[str]:
    out = set(pinned)
    if clicked:
        out.add(clicked)
    for n in graph["nodes"]:
        share = n.get("influence")
        if kind(n) in ALWAYS or not isinstance(share, (int, float)) or share <= threshold:
            out.add(n["node_id"])
    return out


def neighbours(graph: dict[str, Any], node_id: str, visible: set[str]) -> tuple[set, set]:
    inputs = {
        lk["source"] for lk in graph["links"] if lk["target"] == node_id and lk["source"] in visible
    }
    outputs = {
        lk["target"] for lk in graph["links"] if lk["source"] == node_id and lk["target"] in visible
    }
    return inputs, outputs


def scores(graph: dict[str, Any], kept: set[str] | None = None) -> tuple[float, float]:
    ids = [n["node_id"] for n in graph["nodes"]]
    index = {nid: k for k, nid in enumerate(ids)}
    kinds = [kind(n) for n in graph["nodes"]]
    n = len(ids)
    error_like = np.array(
        [
            k == "error" or (k == "feature" and kept is not None and ids[i] not in kept)
            for i, k in enumerate(kinds)
        ]
    )
    adj = np.zeros((n, n))
    for lk in graph["links"]:
        if lk["source"] in index and lk["target"] in index:
            adj[index[lk["target"]], index[lk["source"]]] += lk["weight"]
    adj[error_like, :] = 0.0  # error nodes (and unkept features) have no inputs
    absadj = np.abs(adj)
    rows = absadj.sum(axis=1, keepdims=True)
    norm = np.divide(absadj, rows, out=np.zeros_like(absadj), where=rows > 0)
    w = np.array(
        [
            n_.get("token_prob") or 0.0 if k == "logit" else 0.0
            for n_, k in zip(graph["nodes"], kinds, strict=True)
        ]
    )
    # logit influence = w (N + N^2 + ...), by the engine's series (which normalises the rows itself)
    logit_influence = engine_influence(
        torch.from_numpy(adj), torch.arange(n), n, torch.from_numpy(w), clamp=1e-10, max_iter=n + 1
    ).numpy()
    token = logit_influence[[k == "embedding" for k in kinds]].sum()
    error = logit_influence[error_like].sum()
    replacement = token / (token + error)
    non_error = 1.0 - norm[:, error_like].sum(axis=1)
    out = logit_influence + w
    completeness = (non_error * out).sum() / out.sum()
    return float(replacement), float(completeness)
