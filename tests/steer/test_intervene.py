"""`intervene`: continuations, decoding, positions and argument checks on a tiny model."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import GENERATED, EngineError, Intervention, intervene
from inference_worker.engine.intervention_run import clean_cache, run_intervened
from inference_worker.engine.interventions import parse_interventions

PROMPT = "the capital of Texas is"


def test_default_continuation_is_the_models_own_greedy_decoding(replacement_models):
    rm = replacement_models("gemma2", "clt")
    out = intervene(rm, PROMPT, [], max_new_tokens=6, top_k=3)
    seq = rm.tokenize(PROMPT)
    for _ in range(6):
        logits = rm.model(seq.unsqueeze(0))[0, -1]
        seq = torch.cat([seq, logits.argmax().reshape(1)])
    assert [t["token"] for t in out["default"]["tokens"]] == seq[-6:].tolist()
    assert out["steered"] == out["default"]  # no interventions: nothing changes
    first = out["default"]["tokens"][0]
    assert first["top"][0]["token"] == first["token"] and len(first["top"]) == 3
    probs = torch.softmax(rm.model(rm.tokenize(PROMPT).unsqueeze(0))[0, -1].double(), -1)
    assert out["last_position"]["before"][0]["prob"] == pytest.approx(float(probs.max()), rel=1e-9)


def test_results_carry_logits_log_probs_and_their_changes(replacement_models):
    rm = replacement_models("gemma2", "plt")
    n = rm.tokenize(PROMPT).numel()
    ivs = [
        {"layer": 1, "feature": f, "position": n - 1, "mode": "set", "value": 20.0}
        for f in range(6)
    ]
    out = intervene(rm, PROMPT, ivs, max_new_tokens=2, top_k=4)
    seq = rm.tokenize(PROMPT)
    for side, used in (("default", []), ("steered", parse_interventions(rm, ivs, n))):
        logits = run_intervened(rm, seq, used, clean_cache(rm, seq)).logits[-1].double()
        logprobs = torch.log_softmax(logits, -1)
        first = out["last_position"]["before" if side == "default" else "after"]
        for entry in first:
            assert entry["logit"] == pytest.approx(float(logits[entry["token"]]), rel=1e-6)
            assert entry["logprob"] == pytest.approx(float(logprobs[entry["token"]]), abs=1e-9)
            assert entry["prob"] == pytest.approx(float(logprobs[entry["token"]].exp()), rel=1e-9)
        token = out[side]["tokens"][0]
        assert token["logprob"] == pytest.approx(float(logprobs[token["token"]]), abs=1e-9)
        assert token["logit"] == pytest.approx(float(logits[token["token"]]), rel=1e-6)
    changes = out["last_position"]["changes"]
    listed = {t["token"] for t in out["last_position"]["before"] + out["last_position"]["after"]}
    assert {c["token"] for c in changes} == listed and len(changes) == len(listed)
    shifts = set()
    for c in changes:
        assert c["delta_logit"] == pytest.approx(c["after"]["logit"] - c["before"]["logit"])
        assert c["delta_logprob"] == pytest.approx(c["after"]["logprob"] - c["before"]["logprob"])
        # log p = logit - log Z: the two changes differ by the same log-normaliser shift for all.
        shifts.add(round(c["delta_logit"] - c["delta_logprob"], 6))
    assert len(shifts) == 1
    assert any(abs(c["delta_logprob"]) > 1e-3 for c in changes)  # the steer moved something


def test_steering_generated_tokens_reaches_new_positions(replacement_models):
    rm = replacement_models("gemma2", "plt")
    n = rm.tokenize(PROMPT).numel()
    big = [
        {"layer": 2, "feature": f, "position": GENERATED, "mode": "set", "value": 50.0}
        for f in range(8)
    ]
    out = intervene(rm, PROMPT, big, max_new_tokens=4)
    # the prompt's last position is untouched; the first new token's next-token distribution is not
    assert out["last_position"]["before"] == out["last_position"]["after"]
    assert out["steered"]["tokens"][0] == out["default"]["tokens"][0]
    assert out["steered"]["tokens"][1]["top"] != out["default"]["tokens"][1]["top"]
    at_prompt = [dict(item, position=n - 1) for item in big]
    changed = intervene(rm, PROMPT, at_prompt, max_new_tokens=1)
    assert changed["last_position"]["after"] != changed["last_position"]["before"]


def test_seeded_sampling_is_reproducible_and_seed_dependent(replacement_models):
    rm = replacement_models("llama", "plt")
    runs = [
        intervene(rm, PROMPT, [], max_new_tokens=12, temperature=2.0, seed=s)["default"]["text"]
        for s in (7, 7, 8)
    ]
    assert runs[0] == runs[1] != runs[2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_new_tokens": 65}, "max_new_tokens"),
        ({"max_new_tokens": 60}, "context"),
        ({"top_k": 0}, "top_k"),
        ({"temperature": -1}, "temperature"),
        ({"constrained_layers": [9]}, "constrained_layers"),
        ({"interventions": [{"layer": 9, "position": 1, "feature": 0}]}, "interventions[0].layer"),
        (
            {"interventions": [{"layer": 0, "position": 99, "feature": 0}]},
            "interventions[0].position",
        ),
        (
            {"interventions": [{"layer": 0, "position": 1, "feature": 10**6}]},
            "interventions[0].feature",
        ),
        (
            {"interventions": [{"layer": 0, "position": 1, "mode": "boost"}]},
            "interventions[0].mode",
        ),
        ({"interventions": [{"layer": 0, "feature": 1}]}, "interventions[0].position"),
        ({"interventions": [Intervention(0, GENERATED, node="error")]}, "error node"),
    ],
)
def test_bad_arguments_raise_engine_errors_naming_the_field(replacement_models, kwargs, message):
    rm = replacement_models("llama", "plt")
    interventions = kwargs.pop("interventions", [])
    with pytest.raises(EngineError, match=message.replace("[", r"\[").replace("]", r"\]")):
        intervene(rm, PROMPT, interventions, **kwargs)


@pytest.mark.parametrize("kind", ["plt-skip", "clt", "gemmascope"])
def test_it_runs_in_bfloat16_with_every_kind_of_intervention(replacement_models, kind):
    """TransformerLens hands float32 norm outputs to a bfloat16 transcoder set: no dtype clash."""
    rm = replacement_models("gemma2", kind, "bfloat16")
    interventions = [
        {"layer": 1, "position": 3, "feature": 2, "mode": "set", "value": 5.0},
        {"layer": 2, "position": GENERATED, "feature": 1, "mode": "scale", "value": 3.0},
        {"node": "error", "layer": 0, "position": 2, "mode": "ablate"},
    ]
    out = intervene(rm, PROMPT, interventions, max_new_tokens=3, constrained_layers=[0, 1])
    assert len(out["steered"]["tokens"]) == 3
    assert out["last_position"]["after"] != out["last_position"]["before"]
