"""What the explorer must show, computed independently in Python from the graph JSON.

`visible_ids` is the pruning rule of the influence slider (on each node's JSON `influence`, its
cumulative share: smaller = more important); `scores` applies circuit-tracer's replacement and
completeness definitions to a graph JSON in closed form (see its docstring).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

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
    """Replacement and completeness of a graph JSON, by circuit-tracer's definitions, in closed
    form: with N the row-normalised |adjacency| (rows = targets) and w the logit probabilities,
    the influence of every node on the logits is w N (I - N)^-1 (one linear solve; neither the
    engine's series nor the explorer's code is used).

    replacement  = token influence / (token influence + error influence)
    completeness = sum_i (1 - error share of row i) (influence_i + w_i) / sum_i (influence_i + w_i)

    `kept`: the features of a view or subgraph; every other feature counts as an error node (its
    input row cut, as an error node has none). None: every feature is kept."""
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
    adj[error_like, :] = 0.0
    absadj = np.abs(adj)
    rows = absadj.sum(axis=1, keepdims=True)
    norm = np.divide(absadj, rows, out=np.zeros_like(absadj), where=rows > 0)
    w = np.array(
        [
            (n_.get("token_prob") or 0.0) if k == "logit" else 0.0
            for n_, k in zip(graph["nodes"], kinds, strict=True)
        ]
    )
    # x = w N (I - N)^-1  <=>  (I - N)^T x = N^T w
    influence = np.linalg.solve((np.eye(n) - norm).T, norm.T @ w)
    token = influence[[k == "embedding" for k in kinds]].sum()
    error = influence[error_like].sum()
    replacement = token / (token + error)
    non_error = 1.0 - norm[:, error_like].sum(axis=1)
    out = influence + w
    completeness = (non_error * out).sum() / out.sum()
    return float(replacement), float(completeness)
