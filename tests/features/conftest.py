"""Fixtures of the feature-dashboard tests: small dashboard files written like the shipped ones."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest


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


@pytest.fixture
def dashboards_dir(tmp_path: Path) -> Path:
    """Two public sets: demo/demo (3 layers x 4 features, JSON Lines named by manifest.json, as
    the demo's build_assets writes them) and demo/demo-clt (2 layers x 3 features, one JSON
    document with per-file model/set)."""
    root = tmp_path / "dashboards"
    root.mkdir()
    plt = [
        {"layer": layer, "label": f"L{layer} f{i}", **make_dashboard(i, seed=layer)}
        for layer in range(3)
        for i in range(4)
    ]
    write_jsonl_gz(root / "transcoders.jsonl.gz", plt)
    manifest = {
        "model": "demo",
        "sets": {"demo": {"file": "transcoders.jsonl.gz", "n_features": 12}},
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    clt = {
        "model_id": "demo",
        "source_set": "demo-clt",
        "features": [
            {"layer": layer, "label": f"clt {layer}/{i}", **make_dashboard(i, seed=10 + layer)}
            for layer in range(2)
            for i in range(3)
        ],
    }
    write_json_gz(root / "demo-clt.json.gz", clt)
    return root


@pytest.fixture
def loaded(db, dashboards_dir: Path):
    from graphs.features.services.demo_features import load_shipped_features

    return load_shipped_features(dashboards_dir)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # The factories hash a password per user; the default PBKDF2 costs ~0.5 s on this machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
