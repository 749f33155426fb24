"""`python -m inference_worker attribute ...` and `... make-tiny DIR`.

User errors (missing file, wrong format, too-long or empty prompt, bad flag values) print one
line `error: ...` on stderr and exit 2, never a traceback. A tqdm bar shows progress when stderr
is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .dashboards_cli import add_parser as add_dashboards_parser
from .errors import EngineError
from .settings import DEFAULTS, AttributionSettings


class _ArgParser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse's own code)
        self.exit(2, f"error: {message}\n")


class _Given(argparse.Action):
    """Stores the value and notes that the flag was given (the salient-logit flags must not be
    mixed with chosen targets, but keep their defaults otherwise)."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.given = {*getattr(namespace, "given", ()), option_string}


_TARGET_FLAGS = {
    "targets": "--target",
    "logit_diff": "--logit-diff",
    "target_vectors": "--target-vectors",
}


def _check_target_flags(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    chosen = [flag for dest, flag in _TARGET_FLAGS.items() if getattr(args, dest, None)]
    if len(chosen) > 1:
        parser.error(f"{chosen[0]} and {chosen[1]} cannot be used together")
    salient = sorted(getattr(args, "given", ()))
    if chosen and salient:
        parser.error(
            f"{chosen[0]} cannot be used with {salient[0]}, which only applies to the salient "
            "logits (the default targets)"
        )


def _token_ids(text: str) -> list[int]:
    try:
        ids = [int(t) for t in text.replace(" ", "").split(",") if t != ""]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"--token-ids must be comma-separated integers: {text!r}"
        ) from exc
    return ids


def _unit(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgParser(prog="python -m inference_worker", description="Circuitscope engine")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_ArgParser)
    att = sub.add_parser("attribute", help="build an attribution graph")
    att.add_argument("--model", required=True, help="demo | hub name | local model directory")
    att.add_argument(
        "--transcoders", help="demo | demo-clt | hub repo | directory (default for demo)"
    )
    src = att.add_mutually_exclusive_group(required=True)
    src.add_argument("--prompt", help="text; a BOS token is prepended as circuit-tracer does")
    src.add_argument("--token-ids", type=_token_ids, help="comma-separated ids, used as given")
    att.add_argument("--max-n-logits", type=_positive, default=DEFAULTS.max_n_logits, action=_Given)
    att.add_argument(
        "--desired-logit-prob", type=_unit, default=DEFAULTS.desired_logit_prob, action=_Given
    )
    att.add_argument(
        "--target",
        dest="targets",
        action="append",
        metavar="TOKEN",
        help="attribute to this token (one token of the vocabulary; repeatable)",
    )
    att.add_argument(
        "--target-id",
        dest="targets",
        action="append",
        type=int,
        metavar="ID",
        help="attribute to this token id (repeatable, with --target)",
    )
    att.add_argument(
        "--logit-diff",
        nargs=2,
        metavar=("TOKEN_A", "TOKEN_B"),
        help="attribute to the logit difference TOKEN_A - TOKEN_B",
    )
    att.add_argument(
        "--target-vectors",
        metavar="FILE",
        help="attribute to the directions in FILE (.safetensors, .npz or .npy; see the README)",
    )
    att.add_argument("--max-feature-nodes", type=_positive, default=DEFAULTS.max_feature_nodes)
    att.add_argument("--batch-size", type=_positive, default=DEFAULTS.batch_size)
    att.add_argument("--node-threshold", type=_unit, default=DEFAULTS.node_threshold)
    att.add_argument("--edge-threshold", type=_unit, default=DEFAULTS.edge_threshold)
    att.add_argument(
        "--dtype", default=DEFAULTS.dtype, choices=["float32", "float64", "bfloat16", "float16"]
    )
    att.add_argument("--device", default=DEFAULTS.device)
    att.add_argument("--slug", default=DEFAULTS.slug)
    att.add_argument("--output", default="graph.json", help="graph JSON path (default graph.json)")
    att.add_argument("--raw", help="also write the raw safetensors export here")
    tiny = sub.add_parser("make-tiny", help="write a tiny random model and transcoder sets")
    tiny.add_argument("directory")
    tiny.add_argument("--arch", default="gemma2", choices=["gemma2", "llama"])
    tiny.add_argument("--seed", type=int, default=0)
    add_dashboards_parser(sub)
    return parser


class _Bar:
    """Turns progress(phase, done, total) calls into one tqdm bar per phase."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.bar, self.phase = enabled, None, None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if phase != self.phase:
            self.close()
            self.phase, self.bar = (
                phase,
                tqdm(total=total, desc=phase, leave=False, file=sys.stderr),
            )
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _attribute(args) -> int:
    import torch

    from .export_json import to_graph_json
    from .export_raw import save_raw
    from .target_vectors import read_target_vectors
    from .trace import load_replacement_model, run_graph

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise EngineError("--device cuda was asked for but no CUDA GPU is available")
    for out in (args.output, args.raw):
        if out and not Path(out).expanduser().resolve().parent.is_dir():
            raise EngineError(f"output directory does not exist: {Path(out).parent}")
    bar = _Bar(sys.stderr.isatty())
    try:
        bar("loading", 0, 1)
        rm = load_replacement_model(
            args.model, args.transcoders, device=args.device, dtype=args.dtype
        )
        prompt = (
            args.prompt
            if args.prompt is not None
            else torch.tensor(args.token_ids, dtype=torch.long)
        )
        vectors = (
            read_target_vectors(args.target_vectors, rm.cfg.d_model)
            if args.target_vectors
            else None
        )
        settings = AttributionSettings(
            max_n_logits=args.max_n_logits,
            targets=args.targets,
            logit_diff=args.logit_diff,
            target_vectors=vectors,
            desired_logit_prob=args.desired_logit_prob,
            max_feature_nodes=args.max_feature_nodes,
            batch_size=args.batch_size,
            node_threshold=args.node_threshold,
            edge_threshold=args.edge_threshold,
            device=args.device,
            dtype=args.dtype,
            slug=args.slug,
        )
        result, pruned, scores = run_graph(rm, prompt, settings, bar)
        bar("export", 0, 1)
        graph = to_graph_json(
            result,
            pruned,
            slug=settings.slug,
            node_threshold=settings.node_threshold,
            edge_threshold=settings.edge_threshold,
            tokenizer=rm.tokenizer,
            scores=scores,
        )
        Path(args.output).write_text(json.dumps(graph))
        if args.raw:
            save_raw(result, pruned, args.raw)
    finally:
        bar.close()
    print(
        f"wrote {args.output}: {len(graph['nodes'])} nodes, {len(graph['links'])} links "
        f"(of {result.n_nodes} nodes); replacement {scores[0]:.3f}, completeness {scores[1]:.3f}"
    )
    return 0


def _make_tiny(args) -> int:
    from .tiny import build_tiny_model_dir, build_tiny_transcoders

    root = Path(args.directory)
    model_dir = build_tiny_model_dir(root / "model", arch=args.arch, seed=args.seed)
    for kind in ("plt", "clt", "gemmascope"):
        build_tiny_transcoders(root / f"transcoders-{kind}", model_dir, kind=kind, seed=args.seed)
    print(f"wrote {model_dir} and transcoder sets {root}/transcoders-{{plt,clt,gemmascope}}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "attribute":
        _check_target_flags(parser, args)
    try:
        if hasattr(args, "handler"):  # subcommands defined in their own modules
            return args.handler(args)
        return _attribute(args) if args.command == "attribute" else _make_tiny(args)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
