"""Reading and checking an upload of researchers' dashboards for one graph (no database writes).

A request carries dashboards in the Anthropic feature format, either as a JSON body
(`{"source_set": "...", "features": [dashboard, ...]}` or a bare list) or as multipart files
(`files`, each one dashboard, `.json` or `.json.gz`). A dashboard's `index` is the `feature` id of
the graph's node it describes, as in `feature_json_base_url` files; an optional `layer` picks the
node when ids repeat across layers (graphs without `schema_version: 1`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphs.features import conf
from graphs.features.ids import cantor_unpair
from graphs.features.schema import Problem, validate_dashboard
from graphs.intake import BodyTooLarge, BodyUnreadable, inflate_bounded

SOURCE_SET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
DEFAULT_SOURCE_SET = "uploaded"
_MAX_PROBLEMS = 50


class UploadRejected(ValueError):
    """The upload is refused as a whole; `problems` names each by path, `status` is the HTTP code."""

    def __init__(self, problems: list[Problem], status: int = 400):
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems[:5]))
        self.problems = problems
        self.status = status


@dataclass(frozen=True)
class UploadedDashboard:
    layer: int
    index: int
    label: str
    dashboard: dict[str, Any]


def too_large(size: int) -> UploadRejected:
    limit = conf.get("UPLOAD_MAX_BYTES")
    return UploadRejected(
        [Problem("(body)", f"is over {size} bytes (decompressed); the limit is {limit}")],
        status=413,
    )


def inflate(raw: bytes, where: str, max_bytes: int | None = None) -> bytes:
    """The bytes, gunzipped if they are gzip (magic bytes), never more than `max_bytes` (default:
    the upload limit): a gzip bomb stops at the limit instead of filling memory."""
    limit = int(conf.get("UPLOAD_MAX_BYTES")) if max_bytes is None else max_bytes
    if raw[:2] == b"\x1f\x8b":
        inflated = io.BytesIO()
        try:
            inflate_bounded(io.BytesIO(raw), inflated, limit)
        except BodyTooLarge:
            raise too_large(limit + 1) from None
        except BodyUnreadable:
            raise UploadRejected([Problem(where, "is not valid gzip")]) from None
        raw = inflated.getvalue()
    if len(raw) > limit:
        raise too_large(len(raw))
    return raw


def parse_json(raw: bytes, where: str) -> Any:
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UploadRejected([Problem(where, f"is not valid JSON ({exc})")]) from None


def _refuse_constant(name: str) -> Any:
    # NaN / Infinity are not JSON; Python's parser accepts them unless told otherwise.
    raise ValueError(f"{name} is not allowed")


def check_dashboards(
    items: list[tuple[str, Any]], node_features: dict[int, set[int]], schema_version_1: bool
) -> list[UploadedDashboard]:
    """Validate every dashboard and find the graph feature each describes.

    `node_features` maps a graph node's `feature` id to the layers it occurs at."""
    if len(items) > conf.get("UPLOAD_MAX_FEATURES"):
        limit = conf.get("UPLOAD_MAX_FEATURES")
        raise UploadRejected([Problem("features", f"has {len(items)} dashboards; at most {limit}")])
    problems: list[Problem] = []
    out: dict[tuple[int, int], UploadedDashboard] = {}
    for prefix, item in items:
        found = validate_dashboard(item, prefix, limit=10)
        if not found:
            target = _target(item, prefix, node_features, schema_version_1, found)
            if target is not None and target in out:
                found.append(
                    Problem(f"{prefix}.index", "describes the same feature as an earlier one")
                )
            elif target is not None:
                label = item.get("label") if isinstance(item.get("label"), str) else ""
                out[target] = UploadedDashboard(target[0], target[1], label[:200], item)
        problems.extend(found)
        if len(problems) >= _MAX_PROBLEMS:
            break
    if problems:
        raise UploadRejected(problems[:_MAX_PROBLEMS])
    return list(out.values())


def _target(
    item: dict[str, Any],
    prefix: str,
    node_features: dict[int, set[int]],
    schema_version_1: bool,
    problems: list[Problem],
) -> tuple[int, int] | None:
    feature_id = item["index"]
    layers = node_features.get(feature_id)
    if not layers:
        problems.append(Problem(f"{prefix}.index", f"{feature_id} is not a feature of this graph"))
        return None
    layer = item.get("layer")
    if layer is not None:
        if not isinstance(layer, int) or isinstance(layer, bool) or layer not in layers:
            problems.append(
                Problem(f"{prefix}.layer", f"no node has feature {feature_id} at layer {layer}")
            )
            return None
    elif len(layers) > 1:
        problems.append(
            Problem(
                f"{prefix}.layer",
                f"is required: feature {feature_id} occurs at layers {sorted(layers)}",
            )
        )
        return None
    else:
        layer = next(iter(layers))
    if schema_version_1:
        pair_layer, index = cantor_unpair(feature_id)
        if pair_layer != layer:
            problems.append(Problem(f"{prefix}.index", f"pairs to layer {pair_layer}, not {layer}"))
            return None
        return layer, index
    return layer, feature_id


def node_feature_layers(nodes: Iterable[dict[str, Any]]) -> dict[int, set[int]]:
    """feature id -> layers, over the graph's transcoder feature nodes (not errors, tokens, logits)."""
    out: dict[int, set[int]] = {}
    for node in nodes:
        kind = str(node.get("feature_type", ""))
        feature, layer = node.get("feature"), node.get("layer")
        if "transcoder" not in kind or not isinstance(feature, int) or feature < 0:
            continue
        try:
            out.setdefault(feature, set()).add(int(layer))
        except (TypeError, ValueError):
            continue
    return out
