"""`python -m inference_worker dashboards --model M [--transcoders T] --texts FILE --output F`.

Computes a dashboard per feature (see dashboards.py) over the texts of FILE (one per line) and
writes them as gzip-compressed JSON lines. Errors print one `error: ...` line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import EngineError


def add_parser(sub) -> None:
    parser = sub.add_parser("dashboards", help="compute feature dashboards over a text corpus")
    parser.add_argument("--model", required=True, help="demo | hub name | local model directory")
    parser.add_argument(
        "--transcoders", help="demo | demo-clt | hub repo | directory (default for demo)"
    )
    parser.add_argument("--texts", required=True, help="UTF-8 file, one text per line")
    parser.add_argument("--output", required=True, help="output .jsonl.gz path")
    parser.add_argument("--max-texts", type=int, default=None, help="use the first N texts only")
    parser.set_defaults(handler=run)


def read_texts(path: Path, max_texts: int | None) -> list[str]:
    if not path.is_file():
        raise EngineError(f"--texts file not found: {path}")
    try:
        texts = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    except UnicodeDecodeError as exc:
        raise EngineError(f"--texts file is not UTF-8: {path} ({exc.reason})") from exc
    texts = [t for t in texts if t.strip()][:max_texts]
    if not texts:
        raise EngineError(f"--texts file has no text: {path}")
    return texts


def run(args: argparse.Namespace) -> int:
    from .dashboards import compute_dashboards, write_dashboards
    from .model_loading import load_model
    from .transcoders import load_transcoders

    output = Path(args.output)
    if not output.expanduser().resolve().parent.is_dir():
        raise EngineError(f"output directory does not exist: {output.parent}")
    texts = read_texts(Path(args.texts), args.max_texts)
    transcoders_ref = args.transcoders or ("demo" if args.model == "demo" else None)
    if transcoders_ref is None:
        raise EngineError("--transcoders is required unless --model is demo")
    model = load_model(args.model)
    transcoders = load_transcoders(transcoders_ref, model=model)
    count = write_dashboards(compute_dashboards(model, transcoders, texts), output)
    print(f"wrote {count} dashboards to {output}", file=sys.stdout)
    return 0
