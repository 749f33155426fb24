"""The demo model's two-hop circuit, tested by intervention (issue 7, scientific acceptance).

The graph of "The capital of the state containing Dallas is" names the features on the
Dallas -> " Austin" paths; those whose decoder promotes " Texas" (top-5 logits) are the
hypothesised "Texas" state. Ablating them must lower P(" Austin"). Replacing that state with
California's (the features that the Fresno -> " Sacramento" graph finds, whose decoder promotes
" California", set to the activations they have on the Fresno prompt) must raise P(" Sacramento").
Nothing is tuned to the shipped files: a model without such a circuit fails. Run with -s to see
the probabilities measured."""

from __future__ import annotations

import math

import pytest

from inference_worker.engine import ReplacementModel, intervene, load_transcoders
from tests.support.steering import DALLAS, FRESNO, state_features


def _prob(out, which, token):
    return next(d["prob"] for d in out["last_position"][which] if d["token"] == token)


def _log_odds(p):
    return math.log(p) - math.log1p(-p)


@pytest.mark.parametrize("set_ref", ["demo", "demo-clt"])
def test_texas_ablation_and_california_swap(set_ref, demo_model):
    rm = ReplacementModel(demo_model, load_transcoders(set_ref, model=demo_model))
    tok = demo_model.tokenizer
    austin, sacramento = (tok.convert_tokens_to_ids(t) for t in (" Austin", " Sacramento"))
    texas, tokens = state_features(rm, DALLAS, " Dallas", austin, " Texas")
    california, _ = state_features(rm, FRESNO, " Fresno", sacramento, " California")
    assert texas and california, (
        "the graphs name no Texas / California features on the two-hop paths"
    )
    dallas = tokens.index(" Dallas")
    ablate = [
        {"layer": f.layer, "position": f.pos, "feature": f.index, "mode": "ablate"} for f in texas
    ]
    swap = ablate + [
        {
            "layer": f.layer,
            "position": dallas if f.pos == dallas else f.pos,
            "feature": f.index,
            "mode": "set",
            "value": f.activation,
        }
        for f in california
    ]
    full = rm.cfg.d_vocab  # top_k = the whole vocabulary: every token's probability is reported
    print(
        f"\n{set_ref}: Texas features {[(f.layer, f.pos, f.index) for f in texas]}, "
        f"California features {[(f.layer, f.pos, f.index) for f in california]}"
    )
    for freeze in (True, False):
        ablated = intervene(rm, DALLAS, ablate, top_k=min(full, 50), freeze_attention=freeze)
        swapped = intervene(rm, DALLAS, swap, top_k=min(full, 50), freeze_attention=freeze)
        before_a = _prob(ablated, "before", austin)
        after_a = _prob(ablated, "after", austin)
        sac = {
            name: next(
                (d["prob"] for d in out["last_position"][w] if d["token"] == sacramento), 0.0
            )
            for name, out, w in (
                ("before", ablated, "before"),
                ("ablated", ablated, "after"),
                ("swapped", swapped, "after"),
            )
        }
        after_swap_a = (
            _prob(swapped, "after", austin)
            if any(d["token"] == austin for d in swapped["last_position"]["after"])
            else 0.0
        )
        print(
            f"  freeze_attention={freeze}: P(Austin) {before_a:.6f} (log-odds {_log_odds(before_a):.2f}) "
            f"-> ablated {after_a:.6f} (log-odds {_log_odds(after_a):.2f}) -> swapped {after_swap_a:.6f}; "
            f"P(Sacramento) {sac['before']:.2e} -> ablated {sac['ablated']:.2e} -> swapped {sac['swapped']:.4f}; "
            f"top after swap {swapped['last_position']['after'][0]['text']!r}"
        )
        assert _log_odds(after_a) < _log_odds(before_a) - 0.1
        assert sac["swapped"] > 10 * max(sac["before"], 1e-12) and sac["swapped"] > sac["ablated"]
