"""Time `load_demo_features` on synthetic dashboards shaped like the demo's, and a batch lookup.

    DATABASE_URL=... python benchmarks/load_features.py [--features 8000]

Prints: file size, first load (validate on/off), the idempotent second run, and the time of a
500-feature batch request through the API. Uses its own throwaway test database.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")


def dashboard(rng: random.Random, index: int) -> dict:
    quantiles = []
    for q in ("Top activations", "Quantile 0.9", "Quantile 0.5"):
        examples = []
        for _ in range(8):
            n = 24
            examples.append(
                {
                    "tokens": [f" w{rng.randrange(900)}" for _ in range(n)],
                    "tokens_acts_list": [round(rng.random() * 4, 3) for _ in range(n)],
                }
            )
        quantiles.append({"quantile_name": q, "examples": examples})
    return {
        "index": index,
        "examples_quantiles": quantiles,
        "top_logits": [f" w{rng.randrange(900)}" for _ in range(10)],
        "bottom_logits": [f" w{rng.randrange(900)}" for _ in range(10)],
    }


def write_files(root: Path, n_features: int, n_layers: int = 4) -> None:
    rng = random.Random(0)
    per_layer = n_features // n_layers
    with gzip.open(root / "demo.jsonl.gz", "wt") as handle:
        for layer in range(n_layers):
            for index in range(per_layer):
                record = {
                    "model_id": "demo",
                    "source_set": "demo",
                    "layer": layer,
                    "label": f"w{index}",
                    **dashboard(rng, index),
                }
                handle.write(json.dumps(record) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--features", type=int, default=8000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        from rest_framework.test import APIClient

        from graphs.features.services.demo_features import load_shipped_features

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write_files(root, args.features)
            size = sum(p.stat().st_size for p in root.iterdir())
            print(f"{args.features} dashboards, {size / 1e6:.1f} MB gzip")
            for validate in (False, True):
                started = time.perf_counter()
                report = load_shipped_features(root, force=True, validate=validate)
                took = time.perf_counter() - started
                print(f"first load (validate={validate}): {report.total} rows in {took:.2f} s")
            started = time.perf_counter()
            report = load_shipped_features(root)
            print(
                f"second run (unchanged files): changed={report.changed} in {time.perf_counter() - started:.3f} s"
            )
            client = APIClient()
            pairs = [[layer, index] for layer in range(4) for index in range(125)]
            started = time.perf_counter()
            response = client.post(
                "/api/features/demo/demo/batch/", {"features": pairs}, format="json"
            )
            took = time.perf_counter() - started
            print(
                f"batch of {len(pairs)}: HTTP {response.status_code}, "
                f"{len(response.content) / 1e6:.1f} MB in {took:.3f} s"
            )
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
