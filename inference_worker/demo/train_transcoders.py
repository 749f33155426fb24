"""Train the demo model's transcoders on CPU: a per-layer JumpReLU set and a cross-layer one.

    python -m inference_worker.demo.train_transcoders        # -> assets/transcoders/, assets/clt/
    python -m inference_worker.demo.train_transcoders --stop-after 10 --threads 1 \
        --trace inference_worker/demo/traces/train_transcoders.json

Both read the MLP input (blocks.{l}.ln2.hook_normalized) and reconstruct the MLP output
(blocks.{l}.hook_mlp_out, after Gemma-2's post-MLP norm) on activations of the demo model over
the corpus's training texts, computed on the fly. Loss: fraction of variance unexplained per
layer with BatchTopK sparsity (k active features per token on average). Seeded and resumable like
train_model; step k's batch is a pure function of (seed, k).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from tqdm import tqdm

from inference_worker.demo.corpus import build_corpus
from inference_worker.demo.model_io import load_model_dir
from inference_worker.demo.training import (
    ASSETS_DIR,
    CHECKPOINT_ROOT,
    load_checkpoint,
    lr_at,
    save_checkpoint,
    write_trace,
)
from inference_worker.demo.transcoder_io import save_clt, save_per_layer
from inference_worker.demo.transcoder_metrics import activation_batch, report
from inference_worker.demo.transcoder_modules import CrossLayerTranscoder, PerLayerTranscoders

# Offset the data stream so transcoder batches differ from the model's training batches.
STEP_OFFSET = 1_000_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--batch-size", type=int, default=64, help="texts per step")
    parser.add_argument("--d-transcoder", type=int, default=512)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--k", type=int, default=12, help="average active features per token")
    parser.add_argument("--stop-after", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--model", type=Path, default=ASSETS_DIR / "model")
    parser.add_argument("--out", type=Path, default=ASSETS_DIR)
    parser.add_argument(
        "--checkpoint", type=Path, default=CHECKPOINT_ROOT / "transcoders" / "checkpoint.pt"
    )
    parser.add_argument("--no-resume", action="store_true")
    parser.add_argument("--trace", type=Path, default=None)
    return parser.parse_args(argv)


def _fvu(out: torch.Tensor, target: torch.Tensor, var: torch.Tensor) -> torch.Tensor:
    """Mean over layers of the fraction of variance unexplained; tensors [n_layers, tokens, d]."""
    return (((out - target) ** 2).sum(-1).mean(-1) / var).mean()


def train(args: argparse.Namespace):
    if args.threads:
        torch.set_num_threads(args.threads)
    model = load_model_dir(args.model)
    corpus = build_corpus(args.seed)
    cfg = model.cfg
    torch.manual_seed(args.seed)
    plt = PerLayerTranscoders(cfg.n_layers, cfg.d_model, args.d_transcoder, k=args.k)
    clt = CrossLayerTranscoder(cfg.n_layers, cfg.d_model, args.d_transcoder, k=args.k)
    params = list(plt.parameters()) + list(clt.parameters())
    optimizer = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999))
    # Per-layer variance of the MLP output (a fixed calibration batch) normalises the loss.
    _, calib_y = activation_batch(model, corpus.sample_texts(STEP_OFFSET - 1, 512))
    var = ((calib_y - calib_y.mean(1, keepdim=True)) ** 2).sum(-1).mean(-1)
    key = {k: getattr(args, k) for k in ("seed", "steps", "batch_size", "d_transcoder", "lr", "k")}
    losses: dict[str, list[float]] = {"plt": [], "clt": []}
    start = 0
    checkpoint = None if args.no_resume or args.trace else load_checkpoint(args.checkpoint, key)
    if checkpoint is not None:
        plt.load_state_dict(checkpoint["state"]["plt"])
        clt.load_state_dict(checkpoint["state"]["clt"])
        optimizer.load_state_dict(checkpoint["state"]["optimizer"])
        start, losses = checkpoint["step"], checkpoint["losses"]
        print(f"resumed from {args.checkpoint} at step {start}")
    stop = min(args.steps, args.stop_after or args.steps)
    progress = tqdm(range(start, stop), initial=start, total=stop, desc="train transcoders")
    plt.train()
    clt.train()
    for step in progress:
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, peak=args.lr, total=args.steps, warmup=50)
        x, y = activation_batch(model, corpus.sample_texts(STEP_OFFSET + step, args.batch_size))
        out_p, _, l0_p = plt(x)
        out_c, _, l0_c = clt(x)
        loss_p, loss_c = _fvu(out_p, y, var), _fvu(out_c, y, var)
        optimizer.zero_grad(set_to_none=True)
        (loss_p + loss_c).backward()
        optimizer.step()
        losses["plt"].append(loss_p.item())
        losses["clt"].append(loss_c.item())
        progress.set_postfix(
            fvu_plt=f"{loss_p.item():.3f}",
            l0_plt=f"{l0_p.mean().item():.1f}",
            fvu_clt=f"{loss_c.item():.3f}",
            l0_clt=f"{l0_c.mean().item():.1f}",
        )
        done = step + 1
        if args.trace is None and (done % 250 == 0 or done == stop):
            state = {
                "plt": plt.state_dict(),
                "clt": clt.state_dict(),
                "optimizer": optimizer.state_dict(),
            }
            save_checkpoint(args.checkpoint, step=done, args=key, state=state, losses=losses)
    plt.eval()
    clt.eval()
    return model, corpus, plt, clt, losses, key


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.monotonic()
    model, corpus, plt, clt, losses, key = train(args)
    if args.trace is not None:
        write_trace(args.trace, {**key, "stop_after": args.stop_after}, losses["plt"])
        trace_clt = args.trace.with_name(args.trace.stem + "_clt.json")
        write_trace(trace_clt, {**key, "stop_after": args.stop_after}, losses["clt"])
        print(f"wrote traces {args.trace} and {trace_clt}")
        return
    save_per_layer(plt, args.out / "transcoders", model_name=model.cfg.model_name)
    save_clt(clt, args.out / "clt", model_name=model.cfg.model_name)
    print(f"trained in {time.monotonic() - started:.0f} s")
    for name, directory in (("per-layer", args.out / "transcoders"), ("clt", args.out / "clt")):
        print(name, report(model, corpus, directory))


if __name__ == "__main__":
    main()
