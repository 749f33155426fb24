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
from .targets import CustomTarget, LogitDiff, TargetSpec


@dataclass(frozen=True)
class AttributionSettings:
    # Attribution targets (targets.py): the most likely tokens until their probability reaches
    # desired_logit_prob, at most max_n_logits of them; or, at most one of: exactly the tokens
    # `targets` (ids or single-token strings), the logit difference `logit_diff` ([a, b]), or
    # `target_vectors` (CustomTargets: label, weight, d_model vector; library and CLI only).
    max_n_logits: int = 10
    desired_logit_prob: float = 0.95
    targets: list[int | str] | None = None
    logit_diff: list[int | str] | None = None
    target_vectors: list[CustomTarget] | None = None
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

    def target_spec(self) -> TargetSpec:
        """The `attribution_targets` argument of `attribute()` these settings ask for."""
        chosen = [
            name
            for name in ("targets", "logit_diff", "target_vectors")
            if getattr(self, name) is not None
        ]
        if len(chosen) > 1:
            raise EngineError(f"{chosen[0]} and {chosen[1]} cannot be used together")
        if self.logit_diff is not None:
            if len(self.logit_diff) != 2:
                raise EngineError("logit_diff needs exactly two tokens [a, b]")
            return LogitDiff(*self.logit_diff)
        if self.targets is not None:
            return list(self.targets)
        return None if self.target_vectors is None else list(self.target_vectors)


DEFAULTS = AttributionSettings()
