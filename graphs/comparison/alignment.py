"""Aligning the token positions of two prompts.

The tokens the prompts share at their start face each other one to one, and so do those they share
at their end; the stretch between, where they differ, is aligned from its end, as Neuronpedia's
reverse context index does: the last token of a replaced phrase faces the last token of its
replacement, and the prompts' last tokens (where the logits are read) always face each other.
Positions of the longer stretch with nothing facing them stay unaligned."""

from __future__ import annotations

from collections.abc import Sequence


def _shared_prefix(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def align_positions(tokens_a: Sequence[str], tokens_b: Sequence[str]) -> dict[int, int]:
    """Position in A -> position in B, for every position that has a counterpart."""
    len_a, len_b = len(tokens_a), len(tokens_b)
    head = _shared_prefix(tokens_a, tokens_b)
    aligned = {i: i for i in range(head)}
    # Everything after the shared start, from the end: the shared end first, then the stretch
    # where the prompts differ, until the shorter one runs out.
    for offset in range(1, min(len_a, len_b) - head + 1):
        aligned[len_a - offset] = len_b - offset
    return aligned
