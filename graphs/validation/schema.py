"""Our JSON schema for attribution graphs (graph.schema.json) and plain-words error messages.

The document envelope (metadata, qParams, extra top-level keys) is checked against the whole
schema; nodes and links are checked one at a time against $defs/node and $defs/link, so a big
graph is never held in memory as a whole.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from graphs.validation.problems import json_path

SCHEMA_PATH = Path(__file__).with_name("graph.schema.json")

_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


@cache
def graph_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def document_validator() -> Draft202012Validator:
    return Draft202012Validator(graph_schema())


@cache
def item_validator(definition: str) -> Draft202012Validator:
    """A validator of one $defs entry that still resolves references into the whole schema."""
    schema = graph_schema()
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


def describe_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _expected(types: str | list[str]) -> str:
    names = [types] if isinstance(types, str) else list(types)
    words = {
        "object": "an object",
        "array": "an array",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "null",
    }
    return " or ".join(words.get(t, t) for t in names)


def plain_message(error: ValidationError) -> tuple[list[str | int], str]:
    """The (path parts, message) of a schema error, in words a user can act on."""
    path: list[str | int] = list(error.absolute_path)
    kind = error.validator
    if kind == "required":
        # jsonschema says "'x' is a required property"; point at the missing field itself.
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [*path, missing], "is required but missing"
    if kind == "type":
        return (
            path,
            f"must be {_expected(error.validator_value)}, not {describe_type(error.instance)}",
        )
    if kind == "minimum":
        return path, f"must be at least {error.validator_value}, not {error.instance}"
    if kind == "minLength":
        return path, "must not be empty" if error.validator_value == 1 else (
            f"must have at least {error.validator_value} characters"
        )
    if kind == "maxLength":
        return path, (
            f"must have at most {error.validator_value} characters (it has {len(error.instance)})"
        )
    if kind == "minItems":
        return path, f"must have at least {error.validator_value} item(s)"
    if kind == "maxItems":
        return path, (
            f"must have at most {error.validator_value} item(s) (it has {len(error.instance)})"
        )
    return path, error.message


def schema_problems(
    validator: Draft202012Validator, instance: object, prefix: list[str | int]
) -> list[tuple[str, str]]:
    """Every schema error of `instance` as (JSON path, message), paths prefixed by `prefix`."""
    found = []
    for error in sorted(
        validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
    ):
        parts, message = plain_message(error)
        found.append((json_path([*prefix, *parts]), message))
    return found
