"""Held-out accuracy of a model on the demo corpus's evaluation splits.

Single-token answers (two-hop capitals, opposites) count when the argmax next token is the answer.
Multi-token answers (acronyms, sums) are generated greedily and count only when every token of
the answer and the closing token (")" or ".") come out, so "37" does not pass for "370".
"""

from __future__ import annotations

from collections import defaultdict

import torch
from transformer_lens import HookedTransformer

from inference_worker.demo.corpus import Corpus, Example

MULTI_TOKEN_TASKS = ("acronym", "addition")


@torch.no_grad()
def task_accuracy(model: HookedTransformer, examples: list[Example]) -> float:
    """Fraction of `examples` answered exactly (greedy decoding)."""
    tokenizer = model.tokenizer
    groups: dict[int, list[tuple[list[int], list[int]]]] = defaultdict(list)
    for example in examples:
        prompt_ids = tokenizer(example.prompt)["input_ids"]
        full_ids = tokenizer(
            example.text if example.task in MULTI_TOKEN_TASKS else example.prompt + example.answer
        )["input_ids"]
        groups[len(prompt_ids)].append((prompt_ids, full_ids[len(prompt_ids) :]))
    correct = 0
    # Prompts of one length batch together, so no padding shifts the rotary positions.
    for items in groups.values():
        for target_len in {len(target) for _, target in items}:
            batch = [(p, t) for p, t in items if len(t) == target_len]
            tokens = torch.tensor([p for p, _ in batch], device=model.cfg.device)
            targets = torch.tensor([t for _, t in batch], device=model.cfg.device)
            generated = []
            for _ in range(target_len):
                next_ids = model(tokens)[:, -1].argmax(-1)
                generated.append(next_ids)
                tokens = torch.cat([tokens, next_ids[:, None]], dim=1)
            correct += int((torch.stack(generated, 1) == targets).all(1).sum())
    return correct / len(examples)


def evaluate(model: HookedTransformer, corpus: Corpus) -> dict[str, float]:
    """Held-out accuracy per evaluation split."""
    model.eval()
    return {task: task_accuracy(model, examples) for task, examples in corpus.eval.items()}
