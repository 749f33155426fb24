"""Our JSON schema for one feature dashboard in the Anthropic feature format, and a validator
that names every problem by its JSON path (`examples_quantiles[0].examples[3].tokens`).

Written for this project; it accepts what the public format allows (extra keys included) and adds
the bounds and consistency rules an upload needs: integer index, finite activations, one
activation per token, and caps on sizes so a single dashboard stays small.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from jsonschema import Draft202012Validator

# The same problem type as graph validation, so both kinds of upload answer alike.
from graphs.validation.problems import Problem
from graphs.validation.problems import json_path as problem_path

MAX_QUANTILES = 50
MAX_EXAMPLES_PER_QUANTILE = 500
MAX_TOKENS_PER_EXAMPLE = 4096
MAX_LOGITS = 200
MAX_STRING = 1000

_token_string = {"type": "string", "maxLength": MAX_STRING}
_logits = {"type": "array", "maxItems": MAX_LOGITS, "items": _token_string}

FEATURE_DASHBOARD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://circuitscope.invalid/schemas/feature-dashboard.json",
    "title": "Feature dashboard (Anthropic feature format)",
    "type": "object",
    "required": ["index", "examples_quantiles"],
    "properties": {
        "index": {"type": "integer", "minimum": 0},
        "label": {"type": "string", "maxLength": 200},
        "examples_quantiles": {
            "type": "array",
            "maxItems": MAX_QUANTILES,
            "items": {
                "type": "object",
                "required": ["quantile_name", "examples"],
                "properties": {
                    "quantile_name": {"type": "string", "maxLength": 200},
                    "examples": {
                        "type": "array",
                        "maxItems": MAX_EXAMPLES_PER_QUANTILE,
                        "items": {
                            "type": "object",
                            "required": ["tokens", "tokens_acts_list"],
                            "properties": {
                                "tokens": {
                                    "type": "array",
                                    "maxItems": MAX_TOKENS_PER_EXAMPLE,
                                    "items": _token_string,
                                },
                                "tokens_acts_list": {
                                    "type": "array",
                                    "maxItems": MAX_TOKENS_PER_EXAMPLE,
                                    "items": {"type": "number"},
                                },
                                "train_token_ind": {"type": "integer", "minimum": 0},
                                "is_repeated_datapoint": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
        "top_logits": _logits,
        "bottom_logits": _logits,
    },
}

_VALIDATOR = Draft202012Validator(FEATURE_DASHBOARD_SCHEMA)


def json_path(parts: Iterable[str | int], prefix: str = "") -> str:
    """A dashboard's JSON path: `examples_quantiles[0].examples[3].tokens`; `(root)` when empty."""
    return problem_path(parts, prefix, root="(root)")


def _plain_message(error) -> str:
    # jsonschema repeats the whole offending value in its messages; keep ours one short line.
    validator = error.validator
    if validator == "required":
        return "is required"
    if validator == "type":
        return f"must be of type {error.validator_value}"
    if validator in ("maxItems", "maxLength"):
        return f"is too long (at most {error.validator_value})"
    if validator == "minimum":
        return f"must be at least {error.validator_value}"
    return str(error.message)[:200]


def _non_finite(value: Any, parts: list[str | int]) -> Iterable[list[str | int]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield parts
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, [*parts, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _non_finite(item, [*parts, i])


def validate_dashboard(data: Any, prefix: str = "", limit: int = 50) -> list[Problem]:
    """Every problem of one dashboard (at most `limit`), each named by its path under `prefix`."""
    if is_clearly_valid(data):
        return []
    problems: list[Problem] = []
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors[:limit]:
        path = list(error.absolute_path)
        if error.validator == "required":
            missing = str(error.message).split("'")[1] if "'" in str(error.message) else ""
            path = [*path, missing] if missing else path
        problems.append(Problem(json_path(path, prefix), _plain_message(error)))
    if not isinstance(data, dict):
        return problems
    for parts in _non_finite(data, []):
        problems.append(Problem(json_path(parts, prefix), "must be a finite number"))
    for qi, quantile in _enumerate_dicts(data.get("examples_quantiles")):
        for ei, example in _enumerate_dicts(quantile.get("examples")):
            tokens, acts = example.get("tokens"), example.get("tokens_acts_list")
            if isinstance(tokens, list) and isinstance(acts, list) and len(tokens) != len(acts):
                where = ["examples_quantiles", qi, "examples", ei, "tokens_acts_list"]
                problems.append(
                    Problem(
                        json_path(where, prefix),
                        f"has {len(acts)} activations for {len(tokens)} tokens",
                    )
                )
    return problems[:limit]


def _enumerate_dicts(items: Any) -> Iterable[tuple[int, dict]]:
    if isinstance(items, Sequence) and not isinstance(items, str):
        for i, item in enumerate(items):
            if isinstance(item, dict):
                yield i, item


# A fast path: jsonschema costs ~15 ms per dashboard, too much for thousands of shipped ones. This
# plain-Python check states the same rules; only a dashboard it refuses goes through jsonschema,
# which names the problems. (tests/features/test_schema.py checks that the two agree.)
_KNOWN = {"index", "label", "examples_quantiles", "top_logits", "bottom_logits"}
_KNOWN_EXAMPLE = {"tokens", "tokens_acts_list", "train_token_ind", "is_repeated_datapoint"}
_STR = {str}
_NUMBER = {int, float}  # bool excluded: JSON Schema does not count true/false as numbers


def _has_non_finite(value: Any) -> bool:
    return next(iter(_non_finite(value, [])), None) is not None


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _strings(value: Any, max_items: int) -> bool:
    # map/set/max run in C: this is the hot loop of loading thousands of dashboards.
    return (
        type(value) is list
        and len(value) <= max_items
        and set(map(type, value)) <= _STR
        and max(map(len, value), default=0) <= MAX_STRING
    )


def _finite_numbers(value: Any) -> bool:
    return (
        type(value) is list and set(map(type, value)) <= _NUMBER and all(map(math.isfinite, value))
    )


def _example_ok(example: Any) -> bool:
    if type(example) is not dict:
        return False
    tokens, acts = example.get("tokens"), example.get("tokens_acts_list")
    if not (_strings(tokens, MAX_TOKENS_PER_EXAMPLE) and _finite_numbers(acts)):
        return False
    if len(acts) != len(tokens):
        return False
    if "train_token_ind" in example and not _count(example["train_token_ind"]):
        return False
    if "is_repeated_datapoint" in example and type(example["is_repeated_datapoint"]) is not bool:
        return False
    return not any(_has_non_finite(v) for k, v in example.items() if k not in _KNOWN_EXAMPLE)


def is_clearly_valid(data: Any) -> bool:
    if type(data) is not dict or not _count(data.get("index")):
        return False
    if "label" in data and not (type(data["label"]) is str and len(data["label"]) <= 200):
        return False
    for key in ("top_logits", "bottom_logits"):
        if key in data and not _strings(data[key], MAX_LOGITS):
            return False
    quantiles = data.get("examples_quantiles")
    if type(quantiles) is not list or len(quantiles) > MAX_QUANTILES:
        return False
    for quantile in quantiles:
        if type(quantile) is not dict:
            return False
        name, examples = quantile.get("quantile_name"), quantile.get("examples")
        if not (type(name) is str and len(name) <= 200):
            return False
        if type(examples) is not list or len(examples) > MAX_EXAMPLES_PER_QUANTILE:
            return False
        if not all(_example_ok(e) for e in examples):
            return False
        extra = (v for k, v in quantile.items() if k not in ("quantile_name", "examples"))
        if any(_has_non_finite(v) for v in extra):
            return False
    return not any(_has_non_finite(v) for k, v in data.items() if k not in _KNOWN)
