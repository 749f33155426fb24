"""Cleaning an LLM's label: models pad short answers with phrases that say nothing about the
feature ("This feature detects ...", "Label: ..."), quotes and a final full stop."""

from __future__ import annotations

import re

MAX_LABEL = 120

# Leading phrases that only announce the label; removed, case-insensitively, repeatedly.
_PADDING = re.compile(
    r"^\s*(?:"
    r"label\s*:|answer\s*:|explanation\s*:|"
    r"(?:this|the)\s+feature(?:\s+(?:is|detects|represents|encodes|captures|tracks|"
    r"fires\s+on|activates\s+on|responds\s+to|predicts|promotes|relates\s+to))?\s*:?|"
    r"it\s+(?:detects|represents|predicts|promotes)|"
    r"(?:tokens|words)\s+(?:related\s+to|like|such\s+as)|"
    r"related\s+to|references\s+to|mentions\s+of"
    r")\s*",
    re.IGNORECASE,
)


class BadReply(ValueError):
    """The model's reply holds no usable label."""


def clean_label(reply: str) -> str:
    text = reply.strip().splitlines()[0] if reply and reply.strip() else ""
    previous = None
    while text and text != previous:
        previous = text
        text = _PADDING.sub("", text).strip()
        text = text.strip("\"'`*").strip()
    text = text.rstrip(".").strip()
    if not text:
        raise BadReply(f"the reply holds no label: {reply[:200]!r}")
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
