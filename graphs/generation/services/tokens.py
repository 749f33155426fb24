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


def check_targets(entry: ModelEntry, settings: dict) -> None:
    """Raises InvalidInput on `targets` or `logit_diff` when a token is not one token of the
    model's vocabulary (a string that splits, or reads as the unknown token; an id out of
    range), is given twice, or the two tokens of a logit difference are the same. The engine's
    rule (inference_worker/engine/targets.py); where no tokenizer is at hand here the worker
    enforces it and the job fails with the same message."""
    for field in ("targets", "logit_diff"):
        given = settings.get(field)
        if not given:
            continue
        tokenizer = _tokenizer(entry.tokenizer or entry.model)
        if tokenizer is None:
            return
        ids = [_target_id(tokenizer, entry, field, token) for token in given]
        repeated = next((n for n, i in enumerate(ids) if i in ids[:n]), None)
        if repeated is not None:
            message = (
                "a logit difference needs two different tokens"
                if field == "logit_diff"
                else f"target token {tokenizer.decode([ids[repeated]])!r} is given twice"
            )
            raise InvalidInput.on_field(field, message)


def _target_id(tokenizer: Tokenizer, entry: ModelEntry, field: str, token: int | str) -> int:
    if isinstance(token, int):
        size = tokenizer.get_vocab_size(with_added_tokens=True)
        if token >= size:
            raise InvalidInput.on_field(
                field, f"target token id {token} is not in [0, {size}) for {entry.id}"
            )
        return token
    ids = tokenizer.encode(token, add_special_tokens=False).ids
    unknown_text = getattr(tokenizer.model, "unk_token", None)
    unknown = tokenizer.token_to_id(unknown_text) if unknown_text else None
    if len(ids) != 1 or (ids[0] == unknown and token != unknown_text):
        pieces = [tokenizer.decode([i]) for i in ids]
        why = (
            "it reads as the unknown token"
            if len(ids) == 1
            else f"it splits into {pieces}"
            if ids
            else "it encodes to nothing"
        )
        raise InvalidInput.on_field(
            field, f"target token {token!r} is not one token of {entry.id}'s vocabulary ({why})"
        )
    return ids[0]
