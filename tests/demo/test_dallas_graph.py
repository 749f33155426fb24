"""Scientific acceptance: the pruned attribution graph of "The capital of the state containing
Dallas is" has a path from " Dallas" to the " Austin" logit through a feature that relates to
Texas (" Texas" in its top-5 decoder logits, or most of its top activating corpus texts are
Texas contexts) and whose ablation lowers P(" Austin") (measured as log-odds, see
`ablated_log_odds`).

Nothing here is tuned to the shipped files: the features are found by the graph, and each
criterion is measured. A model or transcoder set without such a feature fails this test."""

from __future__ import annotations

import pytest

from inference_worker.demo.build_assets import dashboard_texts
from inference_worker.demo.circuit_checks import (
    ablated_log_odds,
    max_activations,
    path_features,
    texas_selectivity,
    top_logit_tokens,
)
from inference_worker.engine import ReplacementModel, attribute, graph_scores, prune_graph

PROMPT = "The capital of the state containing Dallas is"
SELECTIVE = 0.8  # share of Texas contexts among a feature's top activating texts
MIN_DROP = 0.1  # nats of log-odds of " Austin": smaller drops are float noise, not an effect


@pytest.mark.slow
@pytest.mark.parametrize("set_ref", ["demo", "demo-clt"])
def test_dallas_reaches_austin_through_a_texas_feature(set_ref, demo_model):
    from inference_worker.engine import load_transcoders

    transcoders = load_transcoders(set_ref, model=demo_model)
    result = attribute(ReplacementModel(demo_model, transcoders), PROMPT)
    pruned = prune_graph(result)
    replacement, completeness = graph_scores(result)
    tokens = [demo_model.tokenizer.decode([t]) for t in result.input_tokens.tolist()]
    austin = demo_model.tokenizer.convert_tokens_to_ids(" Austin")
    assert austin in result.logit_tokens.tolist(), "Austin is not a logit target"
    candidates = path_features(result, pruned, tokens.index(" Dallas"), austin)
    base = ablated_log_odds(demo_model, transcoders, PROMPT, austin, [])
    texts = dashboard_texts()
    maxima = max_activations(demo_model, transcoders, texts)
    findings = []
    for feature in candidates:
        top5 = top_logit_tokens(demo_model, transcoders, feature.layer, feature.index)
        selectivity = texas_selectivity(maxima, texts, feature.layer, feature.index)
        p_ablated = ablated_log_odds(demo_model, transcoders, PROMPT, austin, [feature])
        findings.append((feature, top5, selectivity, p_ablated))
    print(
        f"\n{set_ref}: {int(pruned.node_mask.sum())} nodes kept; replacement {replacement:.3f}, "
        f"completeness {completeness:.3f}; log-odds of Austin {base:.2f}; "
        f"{len(candidates)} features on Dallas->Austin paths:"
    )
    for feature, top5, selectivity, p_ablated in findings:
        print(
            f"  L{feature.layer} pos {feature.pos} #{feature.index} act {feature.activation:.2f}: "
            f"top logits {top5}, Texas selectivity {selectivity:.0%}, "
            f"ablated log-odds {p_ablated:.2f}"
        )
    texas_and_matters = [
        f
        for f, top5, selectivity, p_ablated in findings
        if (" Texas" in top5 or selectivity >= SELECTIVE) and p_ablated < base - MIN_DROP
    ]
    texas = [
        f for f, top5, selectivity, _ in findings if " Texas" in top5 or selectivity >= SELECTIVE
    ]
    together = ablated_log_odds(demo_model, transcoders, PROMPT, austin, texas)
    print(
        f"  ablating all {len(texas)} Texas-related path features together: log-odds {together:.2f}"
    )
    assert texas_and_matters, "no Texas-related feature on a Dallas -> Austin path lowers P(Austin)"
