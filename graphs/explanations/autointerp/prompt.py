"""The `np_max-act-logits` method's request, in our own words: the LLM reads a feature's top
positive logits and the tokens that come right after its top activations, and answers with a
short label. Built from a dashboard in the Anthropic feature format."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graphs.explanations.offline import display, evidence

N_LOGITS = 10
N_FOLLOWING = 10

SYSTEM = (
    "You name the features of a sparse transcoder inside a language model. For one feature you "
    "get two lists: the output tokens it makes more likely, and the tokens that came right "
    "after the places where it was most active. Answer with a label of one to five words that "
    "a researcher would put on the feature, and nothing else. When both lists point at one "
    'token the feature predicts, answer "say" and that token, for example "say Austin" or '
    '"say 8". Otherwise name the concept the tokens share, for example "US state capitals" '
    'or "closing brackets". No quotes, no full sentence, no explanation.'
)


def _listed(tokens: list[str]) -> str:
    return ", ".join(repr(t) for t in tokens) if tokens else "(none)"


def has_evidence(dashboard: dict[str, Any]) -> bool:
    """A dead feature has no activations: nothing to show an LLM."""
    return evidence(dashboard).n_examples > 0


def messages(dashboard: dict[str, Any]) -> list[dict[str, str]]:
    ev = evidence(dashboard)
    logits = [display(t) for t in ev.top_logits[:N_LOGITS]]
    following = _ordered(ev.followed_by)[:N_FOLLOWING]
    user = (
        f"Top positive logits: {_listed(logits)}\n"
        f"Tokens right after the top activations: {_listed(following)}\n"
        "Label:"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def _ordered(counter: Counter[str]) -> list[str]:
    return [token for token, _ in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]
