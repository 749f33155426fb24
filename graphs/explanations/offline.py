"""The offline explanation method (`cs_offline-logits`): a short label from a feature's dashboard,
with rules instead of an LLM, over the evidence the LLM method reads.

Evidence: the top-activating examples (where in each the feature peaks, the token there and the
token right after it) and the feature's top positive logits. Rules, first match wins:
1. no activating example: "dead feature";
2. "say X": the token that most often follows the peak is also among the top logits (the
   feature fires just before X and pushes X up);
3. "say X": the top logits agree on one word (the first logits are one token up to case,
   spacing and trailing punctuation), even without examples showing it;
4. "X": the feature peaks on one token in at least half of its top examples ("Texas");
5. "X / Y / Z": otherwise the tokens it peaks on most often.
Pure: a dashboard dict in, a label (or None when the dashboard has nothing to read) out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

TOP_EXAMPLES = 10  # the strongest examples read
TOP_LOGITS = 5  # logits a following token must be among to say "say X"
AGREEMENT = 0.5  # share of examples that must agree on one token
AGREEING_LOGITS = 3  # leading logits that must name one word for rule 3
MAX_LABEL = 80


@dataclass(frozen=True)
class Evidence:
    fired_on: Counter[str]  # token at each example's peak
    followed_by: Counter[str]  # token right after each peak (examples ending there excluded)
    n_examples: int
    top_logits: list[str]


def display(token: str) -> str:
    """A token as a label shows it: without surrounding spaces; spacing tokens by name."""
    stripped = token.strip()
    if stripped:
        return stripped
    if "\n" in token:
        return "(newline)"
    return "(space)" if token else "(empty)"


def _word(token: str) -> str:
    return display(token).strip(".,;:!?\"'()").lower()


def _examples(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """The strongest examples over every quantile, by their peak activation."""
    found: list[tuple[float, int, dict[str, Any]]] = []
    for quantile in dashboard.get("examples_quantiles") or []:
        for example in quantile.get("examples") or []:
            acts = example.get("tokens_acts_list") or []
            tokens = example.get("tokens") or []
            if acts and tokens and max(acts) > 0:
                found.append((max(acts), len(found), example))
    found.sort(key=lambda item: (-item[0], item[1]))
    return [example for _, _, example in found[:TOP_EXAMPLES]]


def evidence(dashboard: dict[str, Any]) -> Evidence:
    fired_on: Counter[str] = Counter()
    followed_by: Counter[str] = Counter()
    examples = _examples(dashboard)
    for example in examples:
        tokens, acts = example["tokens"], example["tokens_acts_list"]
        peak = max(range(min(len(tokens), len(acts))), key=acts.__getitem__)
        fired_on[display(tokens[peak])] += 1
        if peak + 1 < len(tokens):
            followed_by[display(tokens[peak + 1])] += 1
    logits = [str(t) for t in dashboard.get("top_logits") or []]
    return Evidence(fired_on, followed_by, len(examples), logits)


def _majority(counter: Counter[str], n: int) -> str | None:
    if not counter or n == 0:
        return None
    token, count = min(counter.items(), key=lambda item: (-item[1], item[0]))
    return token if count / n >= AGREEMENT else None


def _logits_agree(logits: Iterable[str]) -> str | None:
    leading = list(logits)[:AGREEING_LOGITS]
    if len(leading) < AGREEING_LOGITS:
        return None
    words = {_word(t) for t in leading}
    if len(words) == 1 and next(iter(words)):
        return display(leading[0]).strip(".,;:!?\"'()") or display(leading[0])
    return None


def explain(dashboard: dict[str, Any]) -> str | None:
    """The label of a dashboard, or None when it has neither examples nor logits."""
    ev = evidence(dashboard)
    if ev.n_examples == 0:
        return "dead feature" if ev.top_logits or "examples_quantiles" in dashboard else None
    top = [display(t) for t in ev.top_logits[:TOP_LOGITS]]
    following = _majority(ev.followed_by, sum(ev.followed_by.values()))
    if following is not None and following in top:
        return _clip(f"say {following}")
    agreed = _logits_agree(ev.top_logits)
    if agreed is not None:
        return _clip(f"say {agreed}")
    fired = _majority(ev.fired_on, ev.n_examples)
    if fired is not None:
        return _clip(fired)
    common = [token for token, _ in sorted(ev.fired_on.items(), key=lambda i: (-i[1], i[0]))[:3]]
    return _clip(" / ".join(common))


def _clip(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
