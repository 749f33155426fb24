"""Fixtures of the feature-dashboard tests: small dashboard files written like the shipped ones
(tests/features/dashboards.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.features.dashboards import make_dashboard, write_json_gz, write_jsonl_gz


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
