"""Importing explanation exports (Neuronpedia's format): streamed, validated, idempotent.

Input: a JSON list of objects, or JSON Lines, either optionally gzip-compressed (told apart by
their first bytes, not by a file name). Each object has `modelId`, `layer` ("12-clt-hp"),
`index` (an integer or a string of digits), `description`, and optionally `typeName`,
`explanationModelName` and a numeric `score` (or `scoreV2`). Other keys are ignored.

- Streamed: records are read one at a time (ijson for a JSON list) and written in batches, so a
  file of a million rows never sits in memory.
- Validated: the first bad record stops the import with an error naming its line (JSON Lines)
  or item number (a JSON list) and the field.
- All or nothing: the whole import is one transaction, so a bad line at the end leaves nothing.
- Idempotent: every row carries a content key (services/keys.py) under a unique constraint and
  is inserted with ON CONFLICT DO NOTHING, so importing the same file again adds nothing.
- Mapped: the Neuronpedia (modelId, layer suffix) names one of our sets (neuronpedia.py); or
  every row goes to the set given by `model_id` / `source_set`.
"""

from __future__ import annotations

import codecs
import gzip
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson
from django.db import reset_queries, transaction

from graphs.explanations import conf, methods
from graphs.explanations.models import Explanation
from graphs.explanations.neuronpedia import (
    FeatureSet,
    from_neuronpedia,
    parse_layer_string,
    valid_set_id,
)
from graphs.explanations.services.keys import content_key

_KEPT_METHODS = {methods.MAX_ACT_LOGITS, methods.TOKEN_ACT_PAIR}


class ImportRefused(ValueError):
    """The file (or one record of it) is invalid; nothing was imported. The message names where."""


@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    sets: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def already_present(self) -> int:
        return self.read - self.added

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "added": self.added,
            "already_present": self.already_present,
            "sets": [
                {"model": m, "source_set": s, "rows": n} for (m, s), n in sorted(self.sets.items())
            ],
        }


def import_stream(
    raw: IO[bytes], *, model_id: str | None = None, source_set: str | None = None
) -> ImportReport:
    """Import every record of `raw` (a binary file); see the module docstring."""
    if (model_id is None) != (source_set is None):
        raise ImportRefused("give both a model and a source set, or neither")
    for name, value in (("model", model_id), ("source set", source_set)):
        if value is not None and not valid_set_id(value):
            raise ImportRefused(f"{name} {value!r}: letters, digits, '.', '_' and '-' only")
    report = ImportReport()
    batch: list[Explanation] = []
    size = int(conf.get("IMPORT_BATCH_SIZE"))
    mapped: dict[tuple[str, str], FeatureSet] = {}
    with transaction.atomic():
        for where, record in _records(_decompressed(raw)):
            row = _row(record, where, model_id, source_set, mapped)
            report.read += 1
            key = (row.model_id, row.source_set)
            report.sets[key] = report.sets.get(key, 0) + 1
            batch.append(row)
            if len(batch) >= size:
                report.added += _insert(batch)
                batch = []
        report.added += _insert(batch)
    return report


def _insert(batch: list[Explanation]) -> int:
    """Insert what is new; returns how many rows were added."""
    if not batch:
        return 0
    keys = {row.content_key for row in batch}
    present = set(
        Explanation.objects.filter(content_key__in=keys).values_list("content_key", flat=True)
    )
    Explanation.objects.bulk_create(batch, ignore_conflicts=True)
    # With DEBUG on, Django keeps the SQL of the last 9,000 queries; a batch's INSERT is a
    # megabyte of text, so a long import would hold hundreds of them.
    reset_queries()
    return len(keys - present)


def _decompressed(raw: IO[bytes]) -> IO[bytes]:
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if not head:
        start = raw.read(2)
        raw = _Prefixed(start, raw)
        head = start
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


class _Prefixed:
    """A read-only file that yields `prefix` and then the rest of `rest` (a peek without peek())."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self.prefix, self.rest = prefix, rest

    def read(self, size: int = -1) -> bytes:
        if not self.prefix:
            return self.rest.read(size)
        if size is None or size < 0:
            out, self.prefix = self.prefix + self.rest.read(), b""
            return out
        out, self.prefix = self.prefix[:size], self.prefix[size:]
        if len(out) < size:
            out += self.rest.read(size - len(out))
        return out


def _records(stream: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """(where, record) pairs: "line N" for JSON Lines, "item N" for a JSON list."""
    first = _first_significant(stream)
    number = 0
    try:
        if first.startswith(b"["):
            for record in ijson.items(_Prefixed(first, stream), "item", use_float=True):
                number += 1
                yield f"item {number}", record
            return
        reader = codecs.getreader("utf-8")(_Prefixed(first, stream))  # type: ignore[arg-type]
        for number, line in enumerate(reader, start=1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportRefused(f"line {number}: not valid JSON ({exc.msg})") from None
    except ijson.JSONError as exc:
        raise ImportRefused(f"item {number + 1}: not valid JSON ({exc})") from None
    except (OSError, EOFError) as exc:  # a truncated or corrupt gzip stream
        raise ImportRefused(f"cannot read the file: {exc}") from None
    except UnicodeDecodeError as exc:
        where = f"line {number + 1}" if not first.startswith(b"[") else f"item {number + 1}"
        raise ImportRefused(f"{where}: the file is not UTF-8 text ({exc.reason})") from None


def _first_significant(stream: IO[bytes]) -> bytes:
    """The leading bytes up to and including the first non-whitespace byte."""
    seen = b""
    try:
        while chunk := stream.read(1):
            seen += chunk
            if not chunk.isspace():
                return seen
    except (OSError, EOFError) as exc:
        raise ImportRefused(f"cannot read the file: {exc}") from None
    raise ImportRefused("the file holds no explanations")


def _text(record: dict[str, Any], name: str, where: str, *, required: bool) -> str:
    value = record.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ImportRefused(f"{where}: {name} must be a non-empty string")
    return value.strip()


def _row(
    record: Any,
    where: str,
    model_id: str | None,
    source_set: str | None,
    mapped: dict[tuple[str, str], FeatureSet],
) -> Explanation:
    if not isinstance(record, dict):
        raise ImportRefused(f"{where}: an explanation must be a JSON object")
    np_model = _text(record, "modelId", where, required=True)
    layer_string = _text(record, "layer", where, required=True)
    try:
        layer, np_set = parse_layer_string(layer_string)
    except ValueError as exc:
        raise ImportRefused(f"{where}: {exc}") from None
    index = _index(record.get("index"), where)
    description = _text(record, "description", where, required=True)
    if len(description) > conf.get("DESCRIPTION_MAX_LENGTH"):
        raise ImportRefused(
            f"{where}: description is longer than {conf.get('DESCRIPTION_MAX_LENGTH')} characters"
        )
    type_name = _text(record, "typeName", where, required=False)
    explainer = _text(record, "explanationModelName", where, required=False)[:200]
    if model_id is not None and source_set is not None:
        target = (model_id, source_set)
    else:
        if not valid_set_id(np_model):
            raise ImportRefused(f"{where}: modelId {np_model!r} is not a model id")
        if (np_model, np_set) not in mapped:
            mapped[(np_model, np_set)] = from_neuronpedia(np_model, np_set)
        fs = mapped[(np_model, np_set)]
        target = (fs.model_id, fs.source_set)
    method = type_name if type_name in _KEPT_METHODS else methods.IMPORTED
    return Explanation(
        model_id=target[0],
        source_set=target[1],
        layer=layer,
        index=index,
        description=description,
        method=method,
        explainer_model=explainer,
        score=_score(record, where),
        notes=f"typeName {type_name}"[:200] if method == methods.IMPORTED and type_name else "",
        content_key=content_key(target[0], target[1], layer, index, method, explainer, description),
    )


def _index(value: Any, where: str) -> int:
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0 or value > 2**31 - 1:
        raise ImportRefused(f"{where}: index must be a non-negative integer")
    return value


def _score(record: dict[str, Any], where: str) -> float | None:
    for name in ("score", "scoreV2"):
        value = record.get(name)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ImportRefused(f"{where}: {name} must be a finite number")
        return float(value)
    return None
