"""Finish the shipped demo assets: dashboards for both transcoder sets, then SHA256SUMS.

    python -m inference_worker.demo.build_assets            # after train_model, train_transcoders

Dashboards are computed by the general tool (inference_worker.engine.dashboards) over a fixed,
deterministic selection of corpus texts: every one-hop, two-hop and opposite text, and a sample
of the far more numerous acronym and addition texts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from pathlib import Path

from tqdm import tqdm

from inference_worker.demo.corpus import build_corpus
from inference_worker.demo.training import ASSETS_DIR
from inference_worker.engine.dashboards import compute_dashboards, write_dashboards

SETS = {"transcoders": "demo", "clt": "demo-clt"}
SAMPLED_TASKS = {"acronym": 800, "addition": 800}


def dashboard_texts(seed: int = 0) -> list[str]:
    corpus = build_corpus(seed)
    rng = random.Random(f"dashboards:{seed}")
    texts: list[str] = []
    for split in (corpus.train, corpus.eval):
        for task, examples in split.items():
            chosen = [e.text for e in examples]
            if task in SAMPLED_TASKS:
                chosen = rng.sample(chosen, min(len(chosen), SAMPLED_TASKS[task] // 2))
            texts.extend(chosen)
    return texts


def _counted(dashboards, bar):
    for dashboard in dashboards:
        bar.update()
        yield dashboard


def write_checksums(assets: Path) -> Path:
    """SHA256SUMS over every shipped file (sha256sum's format, paths relative to assets/)."""
    lines = []
    for path in sorted(p for p in assets.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(assets).as_posix()}")
    target = assets / "SHA256SUMS"
    target.write_text("\n".join(lines) + "\n")
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=Path, default=ASSETS_DIR)
    parser.add_argument("--skip-dashboards", action="store_true")
    args = parser.parse_args(argv)
    from inference_worker.engine import load_model, load_transcoders

    if not args.skip_dashboards:
        texts = dashboard_texts()
        model = load_model(str(args.assets / "model"))
        manifest = {"model": "demo", "n_texts": len(texts), "format": "jsonl.gz", "sets": {}}
        for folder, ref in SETS.items():
            started = time.monotonic()
            transcoders = load_transcoders(str(args.assets / folder), model=model)
            bar = tqdm(
                total=transcoders.n_layers * transcoders.d_transcoder, desc=f"dashboards {ref}"
            )
            out = args.assets / "dashboards" / f"{folder}.jsonl.gz"

            count = write_dashboards(
                _counted(compute_dashboards(model, transcoders, texts), bar), out
            )
            bar.close()
            manifest["sets"][ref] = {
                "file": out.name,
                "n_features": count,
                "n_layers": transcoders.n_layers,
                "d_transcoder": transcoders.d_transcoder,
            }
            print(f"{ref}: {count} dashboards in {time.monotonic() - started:.0f} s")
        (args.assets / "dashboards" / "manifest.json").write_text(
            json.dumps(manifest, indent=2) + "\n"
        )
    print(f"wrote {write_checksums(args.assets)}")


if __name__ == "__main__":
    main()
