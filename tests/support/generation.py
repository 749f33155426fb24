"""Test registries for the generation tests: a word-level tokenizer, registry entries and the
models file that names them (the fixtures that install them are in tests/plugins/generation.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import WhitespaceSplit

WORDS = ["<unk>", "<bos>", "the", "cat", "sat", "on", "mat", "a", "dog", "ran"]


def write_word_tokenizer(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    tokenizer.pre_tokenizer = WhitespaceSplit()
    tokenizer.save(str(directory / "tokenizer.json"))
    return directory


def write_models_file(path: Path, entries: list[dict]) -> Path:
    path.write_text(json.dumps(entries))
    return path


def tiny_entry(assets: dict[str, str], queue: str, **extra) -> dict:
    return {
        "id": "tiny",
        "display_name": "Tiny test model",
        "queue": queue,
        "model": assets["model"],
        "transcoders": assets["transcoders"],
        "tokenizer": assets["model"],
        "max_prompt_tokens": 16,
        "batch_size": 16,
        "settings": {"max_feature_nodes": {"default": 40, "min": 10, "max": 200}},
        **extra,
    }


def forget_queue(queue: str) -> None:
    """Drop the test queue's leftovers (its list and kombu's bindings) from Redis db 7."""
    import redis

    from tests.support.workers import REDIS_URL

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = [queue, *client.scan_iter(match=f"_kombu.binding*.{queue}")]
        client.delete(*keys)
    finally:
        client.close()
