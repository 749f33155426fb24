"""Reconstruction figures of a transcoder set on the demo model: L0, fraction of variance of the
MLP output explained, and the replacement model's next-token agreement with the original."""

from __future__ import annotations

from pathlib import Path

import torch
from transformer_lens import HookedTransformer

from inference_worker.demo.corpus import Corpus
from inference_worker.demo.transcoder_io import INPUT_HOOK, OUTPUT_HOOK, load_weights


def batch_tokens(model: HookedTransformer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded token ids [batch, pos] and the mask of real, non-BOS positions."""
    encoded = model.tokenizer(texts, padding=True, return_tensors="pt")
    tokens, mask = encoded["input_ids"], encoded["attention_mask"].bool()
    mask[:, 0] = False  # BOS features are never graph nodes; leave them out of training too
    return tokens, mask


@torch.no_grad()
def activation_batch(
    model: HookedTransformer, texts: list[str]
) -> tuple[torch.Tensor, torch.Tensor]:
    """MLP inputs and outputs [n_layers, tokens, d_model] at the real positions of `texts`."""
    tokens, mask = batch_tokens(model, texts)
    layers = range(model.cfg.n_layers)
    names = {f"blocks.{i}.{h}" for i in layers for h in (INPUT_HOOK, OUTPUT_HOOK)}
    _, cache = model.run_with_cache(tokens, names_filter=lambda name: name in names)
    x = torch.stack([cache[f"blocks.{i}.{INPUT_HOOK}"][mask] for i in layers])
    y = torch.stack([cache[f"blocks.{i}.{OUTPUT_HOOK}"][mask] for i in layers])
    return x, y


@torch.no_grad()
def report(model: HookedTransformer, corpus: Corpus, directory: Path) -> dict[str, object]:
    """Figures on the held-out texts of every task."""
    weights = load_weights(directory)
    texts = [e.text for examples in corpus.eval.values() for e in examples]
    x, y = activation_batch(model, texts)
    acts = [weights.encode(i, x[i]) for i in range(weights.n_layers)]
    l0 = [float((a > 0).float().sum(-1).mean()) for a in acts]
    fve = []
    for layer in range(weights.n_layers):
        err = ((y[layer] - weights.decode(layer, acts)) ** 2).sum()
        fve.append(float(1 - err / ((y[layer] - y[layer].mean(0)) ** 2).sum()))
    tokens, mask = batch_tokens(model, texts)
    original = model(tokens).argmax(-1)
    replaced = replacement_logits(model, weights, tokens).argmax(-1)
    # Predictions at every real position except the last (which predicts padding).
    predicting = mask.clone()
    predicting[:, 0] = True
    lengths = mask.sum(1)
    predicting[torch.arange(len(tokens)), lengths] = False
    agreement = float((original == replaced)[predicting].float().mean())
    return {
        "l0": [round(v, 2) for v in l0],
        "fve": [round(v, 4) for v in fve],
        "next_token_agreement": round(agreement, 4),
        "answer_agreement": round(answer_agreement(model, weights, corpus), 4),
    }


@torch.no_grad()
def answer_agreement(model: HookedTransformer, weights, corpus: Corpus) -> float:
    """Agreement at the answer position of every held-out prompt (where the next token is
    determined by the task, unlike mid-sentence positions where near-ties flip on any noise)."""
    agree = total = 0
    prompts = [e.prompt for examples in corpus.eval.values() for e in examples]
    by_length: dict[int, list[torch.Tensor]] = {}
    for prompt in prompts:
        ids = model.to_tokens(prompt)[0]
        by_length.setdefault(len(ids), []).append(ids)
    for rows in by_length.values():
        tokens = torch.stack(rows)
        original = model(tokens)[:, -1].argmax(-1)
        replaced = replacement_logits(model, weights, tokens)[:, -1].argmax(-1)
        agree += int((original == replaced).sum())
        total += len(rows)
    return agree / total


def replacement_logits(model: HookedTransformer, weights, tokens: torch.Tensor) -> torch.Tensor:
    """Logits with every MLP replaced by the transcoders (no error terms)."""
    acts: dict[int, torch.Tensor] = {}

    def read(x: torch.Tensor, hook) -> torch.Tensor:
        acts[hook.layer()] = weights.encode(hook.layer(), x)
        return x

    def write(out: torch.Tensor, hook) -> torch.Tensor:
        layer = hook.layer()
        return weights.decode(layer, [acts[i] for i in range(layer + 1)])

    hooks = []
    for layer in range(model.cfg.n_layers):
        hooks.append((f"blocks.{layer}.{INPUT_HOOK}", read))
        hooks.append((f"blocks.{layer}.{OUTPUT_HOOK}", write))
    return model.run_with_hooks(tokens, fwd_hooks=hooks)
