"""Counting a prompt's tokens in the web tier, without torch, to refuse over-long prompts at
submission. The count matches the engine's rule (circuit-tracer's): the prompt's tokens without
special tokens, plus a BOS unless the first token is already a special one. Where no tokenizer file is available locally, the count is None and the
worker enforces the limit instead (the job then fails with the same message)."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from tokenizers import Tokenizer

from graphs.errors import InvalidInput
from graphs.generation.registry import ModelEntry

log = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def _tokenizer(ref: str) -> Tokenizer | None:
    path = Path(ref) / "tokenizer.json"
    if not path.is_file():
        try:
            from huggingface_hub import try_to_load_from_cache

            cached = try_to_load_from_cache(ref, "tokenizer.json")
        except Exception:  # not a hub id either
            cached = None
        if not isinstance(cached, str):
            return None
        path = Path(cached)
    try:
        return Tokenizer.from_file(str(path))
    except Exception:
        log.warning("unreadable tokenizer at %s", path)
        return None


def count_tokens(entry: ModelEntry, prompt: str) -> int | None:
    ref = entry.tokenizer or entry.model
    tokenizer = _tokenizer(ref)
    if tokenizer is None:
        return None
    ids = tokenizer.encode(prompt, add_special_tokens=False).ids
    return len(ids) + (0 if ids and ids[0] in _special_ids(ref) else 1)


@lru_cache(maxsize=16)
def _special_ids(ref: str) -> frozenset[int]:
    tokenizer = _tokenizer(ref)
    added = tokenizer.get_added_tokens_decoder() if tokenizer else {}
    return frozenset(i for i, token in added.items() if token.special)


def check_prompt_length(entry: ModelEntry, prompt: str) -> int | None:
    """The prompt's token count (None when no tokenizer is at hand here); raises InvalidInput on
    `prompt` when it is over the model's limit. The one length rule of submission, the tokenize
    preview, steering and the worker."""
    n_tokens = count_tokens(entry, prompt)
    if n_tokens is not None and n_tokens > entry.max_prompt_tokens:
        raise InvalidInput.on_field(
            "prompt",
            f"prompt has {n_tokens} tokens; the limit for {entry.id} is {entry.max_prompt_tokens}",
        )
    return n_tokens
