"""The settings of one attribution graph, and their defaults, in one place.

`attribute()`, `prune_graph()`, `to_graph_json()`, `trace()` and the CLI take their defaults from
`DEFAULTS`. The algorithm's defaults are circuit-tracer 0.5.0's. The web tier's model registry
repeats the ones it offers (it may not import the engine, whose package imports torch); a
generation test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import EngineError


@dataclass(frozen=True)
class AttributionSettings:
    # Logit targets: the most likely tokens until their probability reaches desired_logit_prob,
    # at most max_n_logits of them; or exactly target_tokens (ids) when given.
    max_n_logits: int = 10
    desired_logit_prob: float = 0.95
    target_tokens: list[int] | None = None
    # Feature rows: None visits every active feature; a cap visits them by estimated influence,
    # re-ranked every update_interval * batch_size rows.
    max_feature_nodes: int | None = None
    batch_size: int = 256
    update_interval: int = 4
    # Pruning: the cumulative shares of node influence and of edge scores that are kept.
    node_threshold: float = 0.8
    edge_threshold: float = 0.98
    # Where the model runs (loading), and the exported graph's slug and feature links.
    device: str = "cpu"
    dtype: str = "float32"
    slug: str = "graph"
    feature_json_base_url: str | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> AttributionSettings:
        """Settings from a job's dict: a name not above is refused, None means the default."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise EngineError(f"unknown setting {unknown[0]!r}")
        return replace(DEFAULTS, **{k: v for k, v in values.items() if v is not None})


DEFAULTS = AttributionSettings()
