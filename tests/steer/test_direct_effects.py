"""Direct-effect consistency: with attention patterns, norm scales and every MLP frozen
(constrained layers = all), doubling a feature's activation through `run_intervened` changes
each selected feature's pre-activation and each target logit's demeaned, pre-soft-cap value by
exactly the graph's edge from that feature (its column of the adjacency matrix)."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import Intervention, attribute
from inference_worker.engine.intervention_run import clean_cache, run_intervened

PROMPT = "the capital of France is Paris and the capital of Texas is"


def _targets(rm, result, record):
    tc, W_U = rm.transcoders, rm.model.W_U
    values = []
    for f in result.selected_features.tolist():
        layer, pos, idx = result.active_features[f].tolist()
        values.append(tc.encoder_rows(layer, torch.tensor([idx]))[0] @ record.inputs[layer][pos])
    directions = (W_U[:, result.logit_tokens] - W_U.mean(-1, keepdim=True)).T
    values.extend(directions @ record.final[-1])
    return torch.stack(values)


@pytest.mark.parametrize("arch", ["gemma2", "llama"])
@pytest.mark.parametrize("kind", ["plt", "plt-skip", "clt"])
def test_doubling_a_feature_moves_every_target_by_its_edge(replacement_models, arch, kind):
    rm = replacement_models(arch, kind)
    result = attribute(rm, PROMPT, batch_size=32)
    tokens = result.input_tokens
    clean = clean_cache(rm, tokens)
    all_layers = range(rm.cfg.n_layers)
    base = _targets(
        rm, result, run_intervened(rm, tokens, [], clean, constrained_layers=all_layers)
    )
    dense = result.dense_adjacency()
    rows = result.row_nodes()
    gen = torch.Generator().manual_seed(1)
    columns = torch.randperm(result.n_features, generator=gen)[:8].tolist()
    nontrivial = 0
    for col in columns:
        layer, pos, idx = result.active_features[int(result.selected_features[col])].tolist()
        doubled = [Intervention(layer=layer, position=pos, feature=idx, mode="scale", value=2.0)]
        record = run_intervened(rm, tokens, doubled, clean, constrained_layers=all_layers)
        effect = _targets(rm, result, record) - base
        expected = dense[rows, col]
        scale = float(expected.abs().max())
        torch.testing.assert_close(effect, expected, rtol=1e-4, atol=1e-4 * max(scale, 1e-12))
        nontrivial += int(
            expected[: result.n_features].abs().max() > 0
            and expected[-result.n_logits :].abs().max() > 0
        )
    assert nontrivial > 0, (
        "no sampled feature had both feature and logit edges: the check was vacuous"
    )


def test_without_constraints_the_effect_is_not_only_direct(replacement_models):
    """The control: with live MLPs, indirect paths add to the direct effect."""
    rm = replacement_models("gemma2", "plt")
    result = attribute(rm, PROMPT, batch_size=32)
    tokens = result.input_tokens
    clean = clean_cache(rm, tokens)
    dense = result.dense_adjacency()
    rows = result.row_nodes()
    col = int(
        torch.argmin(result.active_features[result.selected_features][:, 0])
    )  # an early layer
    layer, pos, idx = result.active_features[int(result.selected_features[col])].tolist()
    doubled = [Intervention(layer=layer, position=pos, feature=idx, mode="scale", value=2.0)]
    base = _targets(rm, result, run_intervened(rm, tokens, [], clean))
    effect = _targets(rm, result, run_intervened(rm, tokens, doubled, clean)) - base
    assert (effect - dense[rows, col]).abs().max() > 1e-3 * dense[rows, col].abs().max()


@pytest.mark.parametrize("kind", ["plt-skip", "clt"])
def test_ablating_an_error_node_moves_every_target_by_minus_its_edge(replacement_models, kind):
    rm = replacement_models("llama", kind)
    result = attribute(rm, PROMPT, batch_size=32)
    tokens = result.input_tokens
    clean = clean_cache(rm, tokens)
    all_layers = range(rm.cfg.n_layers)
    base = _targets(
        rm, result, run_intervened(rm, tokens, [], clean, constrained_layers=all_layers)
    )
    dense, rows = result.dense_adjacency(), result.row_nodes()
    m, P = result.n_features, result.n_pos
    for layer, pos in [(0, P - 1), (1, P // 2)]:
        ablate = [Intervention(layer=layer, position=pos, node="error")]
        effect = (
            _targets(
                rm, result, run_intervened(rm, tokens, ablate, clean, constrained_layers=all_layers)
            )
            - base
        )
        expected = -dense[rows, m + layer * P + pos]
        assert expected.abs().max() > 0
        torch.testing.assert_close(
            effect, expected, rtol=1e-4, atol=1e-4 * float(expected.abs().max())
        )
