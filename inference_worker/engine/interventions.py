"""`intervene`: the default and the steered continuation of a prompt, side by side.

Interventions (see intervention_run.py) are given as `Intervention`s or dicts with the same
keys. Both continuations use the same decoding (greedy at temperature 0, else sampling from a
generator seeded with `seed`, restarted for each continuation so the two differ only by the
steering). Each generated token comes with its probability, log-probability and logit and the top-k
next-token alternatives it was drawn from; `last_position` holds the prompt's last position before
and after the interventions, and `changes`: for each token in either top-k, its logit and
log-probability before and after and their differences.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

from .errors import EngineError
from .intervention_run import GENERATED, CleanCache, Intervention, clean_cache, run_intervened

MAX_NEW_TOKENS = 64
MODES = ("set", "scale", "ablate")


def parse_interventions(rm, items: Iterable, n_prompt: int) -> list[Intervention]:
    """Check each intervention against the model and transcoders; EngineError names the field."""
    tc = rm.transcoders
    out = []
    for i, item in enumerate(items):
        iv = item if isinstance(item, Intervention) else _from_dict(item, i)
        where = f"interventions[{i}]"
        if not 0 <= iv.layer < tc.n_layers:
            raise EngineError(
                f"{where}.layer must lie in [0, {tc.n_layers})", field="interventions"
            )
        if iv.node not in ("feature", "error"):
            raise EngineError(f"{where}.node must be 'feature' or 'error'", field="interventions")
        if iv.node == "feature" and not 0 <= iv.feature < tc.d_transcoder:
            raise EngineError(
                f"{where}.feature must lie in [0, {tc.d_transcoder})", field="interventions"
            )
        if iv.mode not in MODES:
            raise EngineError(
                f"{where}.mode must be one of {', '.join(MODES)}", field="interventions"
            )
        if iv.node == "error" and (iv.mode != "ablate" or iv.position == GENERATED):
            raise EngineError(
                f"{where}: an error node can only be ablated, at a prompt position",
                field="interventions",
            )
        if iv.position != GENERATED and not (
            isinstance(iv.position, int) and 0 <= iv.position < n_prompt
        ):
            raise EngineError(
                f"{where}.position must be a prompt position in [0, {n_prompt}) or 'generated'",
                field="interventions",
            )
        out.append(iv)
    return out


def _from_dict(item, i: int) -> Intervention:
    if not isinstance(item, dict):
        raise EngineError(f"interventions[{i}] must be an object", field="interventions")
    try:
        return Intervention(
            layer=int(item["layer"]),
            position=item["position"],
            feature=int(item.get("feature", 0)),
            mode=str(item.get("mode", "ablate")),
            value=float(item.get("value", 0.0)),
            node=str(item.get("node", "feature")),
        )
    except KeyError as missing:
        raise EngineError(
            f"interventions[{i}].{missing.args[0]} is required", field="interventions"
        ) from None
    except (TypeError, ValueError):
        raise EngineError(
            f"interventions[{i}] has a non-numeric layer, feature or value", field="interventions"
        ) from None


def _text(rm, token: int) -> str:
    return rm.tokenizer.decode([token]) if rm.tokenizer else str(token)


def _top(rm, logits: torch.Tensor, k: int) -> list[dict]:
    logprobs = torch.log_softmax(logits.double(), -1)
    lp, idx = logprobs.topk(k)
    return [
        {
            "token": int(t),
            "text": _text(rm, int(t)),
            "prob": float(q.exp()),
            "logprob": float(q),
            "logit": float(logits[t]),
        }
        for q, t in zip(lp, idx.tolist(), strict=True)
    ]


def _changes(rm, before: torch.Tensor, after: torch.Tensor, k: int) -> list[dict]:
    """The tokens in either top-k at the prompt's last position, each with its logit, log-prob
    and probability before and after the interventions and their changes: a steer that moves a
    token from 99.99% to 99.57% reads as nothing in probabilities, but as a drop of several nats
    in log-odds terms."""
    lp_before = torch.log_softmax(before.double(), -1)
    lp_after = torch.log_softmax(after.double(), -1)
    tokens = list(
        dict.fromkeys(lp_before.topk(k).indices.tolist() + lp_after.topk(k).indices.tolist())
    )
    out = []
    for t in tokens:
        side = {}
        for name, logits, lp in (("before", before, lp_before), ("after", after, lp_after)):
            side[name] = {
                "logit": float(logits[t]),
                "logprob": float(lp[t]),
                "prob": float(lp[t].exp()),
            }
        out.append(
            {
                "token": t,
                "text": _text(rm, t),
                **side,
                "delta_logit": side["after"]["logit"] - side["before"]["logit"],
                "delta_logprob": side["after"]["logprob"] - side["before"]["logprob"],
            }
        )
    return out


def _continue(
    rm,
    tokens,
    interventions,
    clean: CleanCache,
    *,
    steps: int,
    top_k: int,
    temperature: float,
    seed: int,
    freeze_attention: bool,
    constrained,
) -> dict:
    gen = torch.Generator().manual_seed(seed)
    seq, out, first, first_logits = tokens.clone(), [], None, None
    for step in range(max(steps, 1)):
        logits = run_intervened(
            rm,
            seq,
            interventions,
            clean,
            freeze_attention=freeze_attention,
            constrained_layers=constrained,
        ).logits[-1]
        if step == 0:
            first = _top(rm, logits, top_k)
            first_logits = logits.detach().double().cpu()
        if steps == 0:
            break
        logprobs = torch.log_softmax(logits.double(), -1)
        probs = logprobs.exp()
        if temperature > 0:
            sample = torch.softmax(logits.double().cpu() / temperature, -1)
            token = int(torch.multinomial(sample, 1, generator=gen))
        else:
            token = int(probs.argmax())
        out.append(
            {
                "token": token,
                "text": _text(rm, token),
                "prob": float(probs[token]),
                "logprob": float(logprobs[token]),
                "logit": float(logits[token]),
                "top": _top(rm, logits, top_k),
            }
        )
        seq = torch.cat([seq, torch.tensor([token], device=seq.device)])
    text = "".join(step["text"] for step in out)
    return {"tokens": out, "text": text, "first": first, "first_logits": first_logits}


def intervene(
    rm,
    prompt: str | torch.Tensor,
    interventions: Iterable,
    *,
    freeze_attention: bool = True,
    constrained_layers: Iterable[int] | None = None,
    top_k: int = 5,
    max_new_tokens: int = 0,
    temperature: float = 0.0,
    seed: int = 0,
) -> dict:
    """Run the prompt with and without the interventions; returns
    {"prompt_tokens", "default", "steered", "last_position": {"before", "after", "changes"}}."""
    tokens = rm.check_tokens(rm.tokenize(prompt) if isinstance(prompt, str) else prompt)
    n_ctx = rm.cfg.n_ctx
    if not 0 <= max_new_tokens <= MAX_NEW_TOKENS:
        raise EngineError(
            f"max_new_tokens must lie in [0, {MAX_NEW_TOKENS}]", field="max_new_tokens"
        )
    if tokens.numel() + max_new_tokens > n_ctx:
        raise EngineError(
            f"max_new_tokens: the prompt ({tokens.numel()} tokens) plus new tokens exceeds the context of {n_ctx}",
            field="max_new_tokens",
        )
    if not 1 <= top_k <= min(50, rm.cfg.d_vocab):
        raise EngineError("top_k must lie in [1, 50]", field="top_k")
    if not 0 <= temperature <= 10:
        raise EngineError("temperature must lie in [0, 10]", field="temperature")
    layers = sorted(set(constrained_layers or ()))
    if any(not 0 <= layer < rm.cfg.n_layers for layer in layers):
        raise EngineError(
            f"constrained_layers must lie in [0, {rm.cfg.n_layers})", field="constrained_layers"
        )
    ivs = parse_interventions(rm, interventions, tokens.numel())
    clean = clean_cache(rm, tokens)
    common = {
        "steps": max_new_tokens,
        "top_k": top_k,
        "temperature": temperature,
        "seed": seed,
        "freeze_attention": freeze_attention,
        "constrained": layers,
    }
    default = _continue(rm, tokens, [], clean, **common)
    steered = _continue(rm, tokens, ivs, clean, **common)
    decode = (lambda t: rm.tokenizer.decode([t])) if rm.tokenizer else str
    return {
        "prompt_tokens": [decode(t) for t in tokens.tolist()],
        "default": {"text": default["text"], "tokens": default["tokens"]},
        "steered": {"text": steered["text"], "tokens": steered["tokens"]},
        "last_position": {
            "before": default["first"],
            "after": steered["first"],
            "changes": _changes(rm, default["first_logits"], steered["first_logits"], top_k),
        },
    }
