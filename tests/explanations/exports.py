"""Explanation exports as Neuronpedia writes them: JSON list or JSON Lines, optionally gzipped."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def np_row(
    index: int,
    description: str,
    *,
    layer: str = "3-gemmascope-transcoder-16k",
    model: str = "gemma-2-2b",
    type_name: str | None = "np_max-act-logits",
    explainer: str | None = "gpt-4o-mini",
    **extra: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": f"cl{index:08d}",
        "modelId": model,
        "layer": layer,
        "index": str(index),
        "description": description,
        "authorId": "np-bot",
        **extra,
    }
    if type_name is not None:
        row["typeName"] = type_name
    if explainer is not None:
        row["explanationModelName"] = explainer
    return row


def write_jsonl(path: Path, rows: list[Any], *, gz: bool = False) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def write_json_list(path: Path, rows: list[Any], *, gz: bool = False) -> Path:
    data = json.dumps(rows, indent=1).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
