"""Dashboard files for the feature tests, written like the shipped ones (the Anthropic feature
format, as JSON Lines or one JSON document, gzipped), and an independent count of their records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from graphs.features.shipped import dashboard_files


def make_dashboard(index: int, *, seed: int = 0, n_examples: int = 3, n_tokens: int = 6) -> dict:
    """A dashboard in the Anthropic feature format whose numbers depend on (index, seed)."""
    examples = [
        {
            "tokens": [f"tok{index}_{e}_{t}" for t in range(n_tokens)],
            "tokens_acts_list": [
                round((index + seed + e * t) % 7 * 0.5, 3) for t in range(n_tokens)
            ],
        }
        for e in range(n_examples)
    ]
    return {
        "index": index,
        "examples_quantiles": [{"quantile_name": "Top activations", "examples": examples}],
        "top_logits": [f" up{index}", " Austin"],
        "bottom_logits": [f" down{index}"],
    }


def write_jsonl_gz(path: Path, records: list[dict]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def write_json_gz(path: Path, document: object) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle)


def records_in(directory: Path) -> int:
    """Counted independently of the loader: lines of JSONL files, `features` of JSON files."""
    total = 0
    for path in dashboard_files(directory):
        with gzip.open(path, "rt") as handle:
            if path.name.endswith(".jsonl.gz"):
                total += sum(1 for line in handle if line.strip())
            else:
                document = json.load(handle)
                total += len(document["features"] if isinstance(document, dict) else document)
    return total
