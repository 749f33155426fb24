"""The tokenize preview counts the prompt's tokens outside the model's vocabulary, so the form can
warn before a graph is made of placeholders."""

from __future__ import annotations

from graphs.generation.registry import get_entry
from inference_worker.worker.preview import preview


def test_words_outside_the_demo_vocabulary_are_counted():
    demo = get_entry("demo")
    assert preview(demo, "The capital of Texas is")["unknown_tokens"] == 0
    answer = preview(demo, "The capital of Zzyzx is")
    assert answer["unknown_tokens"] == 1 and "<unk>" in answer["tokens"]
