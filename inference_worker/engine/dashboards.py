"""Feature dashboards for any model and transcoder set over a text corpus.

One dashboard per feature, in Anthropic's feature format (`index`, `examples_quantiles` with
per-token activations, `top_logits`, `bottom_logits`) plus `layer`, `label` and summary figures:
- examples: every text is scored by the feature's maximum activation over its tokens; the top
  texts form "Top activations", and the rest of the activating texts are cut into equal-count
  intervals by rank ("Subsample Interval i"), from which examples are picked evenly. All picks
  are deterministic, so the same inputs always give the same file.
- logits: the feature's total decoder write (summed over output layers for a CLT) through the
  unembedding, without the final norm, as Neuronpedia does.
- label: "say X" when the logit effect is dominated by one token, else the token it fires on
  most ("Texas"), else "(dead)"; see `feature_label`.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DashboardSettings:
    top_examples: int = 8
    n_intervals: int = 3
    examples_per_interval: int = 4
    n_logits: int = 10
    batch_size: int = 64
    say_z_threshold: float = 4.0  # top logit this many std above the mean -> "say X"


def compute_dashboards(
    model,
    transcoders,
    texts: Sequence[str],
    *,
    settings: DashboardSettings | None = None,
    progress: Progress | None = None,
) -> Iterator[dict]:
    """Yield one dashboard dict per (layer, feature), layer-major, index order."""
    settings = settings or DashboardSettings()
    tokens, lengths, inputs = _collect_inputs(model, transcoders, texts, settings, progress)
    str_tokens = [
        [model.tokenizer.decode([t]) for t in row[1:n]]
        for row, n in zip(tokens.tolist(), lengths.tolist(), strict=True)
    ]
    W_U = model.W_U.detach().float()  # [d_model, d_vocab]
    vocab = [model.tokenizer.decode([i]) for i in range(W_U.shape[1])]
    for layer in range(transcoders.n_layers):
        acts = transcoders.encode(layer, inputs[layer]).float()  # [n_texts, pos-1, d_tc]
        positions = torch.arange(acts.shape[1])[None, :] < (lengths - 1)[:, None]
        acts = acts * positions[..., None]
        max_acts = acts.amax(1)  # [n_texts, d_tc]
        everything = torch.arange(transcoders.d_transcoder)
        decoders = transcoders.decoder_rows(layer, everything).float().sum(1)  # [d_tc, d_model]
        logit_effects = decoders @ W_U  # [d_tc, d_vocab]
        for index in range(transcoders.d_transcoder):
            yield _dashboard(
                layer,
                index,
                acts[:, :, index],
                max_acts[:, index],
                logit_effects[index],
                str_tokens,
                vocab,
                settings,
            )
        if progress:
            progress("dashboards", layer + 1, transcoders.n_layers)


@torch.no_grad()
def _collect_inputs(model, transcoders, texts, settings, progress):
    """Token ids [n, pos], lengths [n] and each layer's transcoder inputs [n, pos-1, d_model]
    (BOS dropped: position 0 features are never graph nodes)."""
    # to_tokens prepends BOS exactly once, whether or not the tokenizer adds it itself.
    encoded = [model.to_tokens(text)[0, : model.cfg.n_ctx].tolist() for text in texts]
    width = max(len(ids) for ids in encoded)
    pad = model.tokenizer.pad_token_id or 0
    tokens = torch.tensor([ids + [pad] * (width - len(ids)) for ids in encoded])
    lengths = torch.tensor([len(ids) for ids in encoded])
    hooks = [
        f"blocks.{layer}.{transcoders.feature_input_hook}" for layer in range(model.cfg.n_layers)
    ]
    chunks: list[list[torch.Tensor]] = [[] for _ in hooks]
    for start in range(0, len(tokens), settings.batch_size):
        _, cache = model.run_with_cache(
            tokens[start : start + settings.batch_size], names_filter=lambda name: name in hooks
        )
        for layer, hook in enumerate(hooks):
            chunks[layer].append(cache[hook][:, 1:].float())
        if progress:
            progress("forward", min(start + settings.batch_size, len(tokens)), len(tokens))
    return tokens, lengths, [torch.cat(c) for c in chunks]


def _dashboard(
    layer: int,
    index: int,
    acts: torch.Tensor,
    max_acts: torch.Tensor,
    logit_effect: torch.Tensor,
    str_tokens: list[list[str]],
    vocab: list[str],
    settings: DashboardSettings,
) -> dict:
    active = torch.nonzero(max_acts > 0).flatten()
    order = active[torch.argsort(-max_acts[active], stable=True)].tolist()
    quantiles = []
    if order:
        top = order[: settings.top_examples]
        quantiles.append(
            {"quantile_name": "Top activations", "examples": _examples(top, acts, str_tokens)}
        )
        rest = order[settings.top_examples :]
        for i in range(settings.n_intervals):
            interval = rest[
                i * len(rest) // settings.n_intervals : (i + 1) * len(rest) // settings.n_intervals
            ]
            if not interval:
                continue
            step = max(1, len(interval) // settings.examples_per_interval)
            picks = interval[::step][: settings.examples_per_interval]
            quantiles.append(
                {
                    "quantile_name": f"Subsample Interval {i}",
                    "examples": _examples(picks, acts, str_tokens),
                }
            )
    top_ids = torch.argsort(-logit_effect, stable=True)[: settings.n_logits].tolist()
    bottom_ids = torch.argsort(logit_effect, stable=True)[: settings.n_logits].tolist()
    dashboard = {
        "index": index,
        "layer": layer,
        "examples_quantiles": quantiles,
        "top_logits": [vocab[i] for i in top_ids],
        "bottom_logits": [vocab[i] for i in bottom_ids],
        "activation_max": round(float(max_acts.max()), 4) if order else 0.0,
        "activation_density": round(len(order) / len(max_acts), 5),
    }
    std = float(logit_effect.std()) or 1.0
    say_z = (float(logit_effect[top_ids[0]]) - float(logit_effect.mean())) / std
    dashboard["label"] = feature_label(dashboard, say_z, settings.say_z_threshold)
    return dashboard


def _examples(rows: list[int], acts: torch.Tensor, str_tokens: list[list[str]]) -> list[dict]:
    return [
        {
            "tokens": str_tokens[row],
            "tokens_acts_list": [
                round(float(a), 3) + 0.0 for a in acts[row, : len(str_tokens[row])]
            ],
        }
        for row in rows
    ]


def feature_label(dashboard: dict, say_z: float, say_z_threshold: float) -> str:
    """A short deterministic label: "say X" for a strong single-token output, else the token the
    feature fires on most often among its top examples, else "(dead)"."""
    if not dashboard["examples_quantiles"]:
        return "(dead)"
    if say_z >= say_z_threshold:
        return f"say {dashboard['top_logits'][0].strip()}"
    fired_on = Counter()
    for example in dashboard["examples_quantiles"][0]["examples"]:
        values = example["tokens_acts_list"]
        fired_on[example["tokens"][max(range(len(values)), key=values.__getitem__)].strip()] += 1
    token, _ = min(fired_on.items(), key=lambda item: (-item[1], item[0]))
    return token or "(space)"


def write_dashboards(dashboards: Iterator[dict], path: Path) -> int:
    """Write gzip-compressed JSON lines (one feature each); returns the number written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    # No name and mtime=0 keep the compressed bytes identical from run to run (checksums stay valid).
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle,
    ):
        for dashboard in dashboards:
            handle.write((json.dumps(dashboard, separators=(",", ":")) + "\n").encode())
            count += 1
    return count


def read_dashboards(path: Path) -> Iterator[dict]:
    """The dashboards of a file written by `write_dashboards`."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)
