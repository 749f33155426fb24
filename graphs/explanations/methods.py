"""Explanation methods: how an explanation was made. The names of LLM methods are Neuronpedia's
`typeName`s, so imported rows and ours share them."""

from __future__ import annotations

# An LLM was shown the feature's top positive logits and the tokens right after its
# top-activating tokens, and wrote a short label (ours: graphs/explanations/autointerp/).
MAX_ACT_LOGITS = "np_max-act-logits"
# OpenAI's method: an LLM reads (token, activation) pairs of top examples (imported only).
TOKEN_ACT_PAIR = "oai_token-act-pair"
# Written by a signed-in user.
HUMAN = "human"
# Imported from an export whose typeName is none of ours; the original name is kept in `notes`.
IMPORTED = "imported"
# Ours, no LLM: rules over the same evidence (graphs/explanations/offline.py).
OFFLINE = "cs_offline-logits"

ALL = (MAX_ACT_LOGITS, TOKEN_ACT_PAIR, HUMAN, IMPORTED, OFFLINE)
# Methods whose text an LLM wrote: their scores decide the default explanation.
LLM = (MAX_ACT_LOGITS, TOKEN_ACT_PAIR)
# The methods a batch writer owns one row of per (feature, explainer model): a rerun replaces it.
MACHINE_KEYED = (MAX_ACT_LOGITS, OFFLINE)
