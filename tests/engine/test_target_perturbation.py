"""A custom target's row is the real effect of each source on that target's value.

The value of a direction target v is v . x (x: the unembedding's input at the last position);
of a logit difference "Austin - Dallas", the pre-soft-cap logit difference itself. Switching a
source node on in the frozen replacement model (frozen_reference: attention patterns, norm
scales and MLP outputs pinned) must change that value by exactly the graph's edge weight: the
direct effect the graph predicts (float64, linear model)."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import attribute
from inference_worker.engine.components import compute_components
from inference_worker.engine.targets import CustomTarget, LogitDiff
from tests.engine.frozen_reference import frozen_run, source_delta

PROMPT = "the capital of the state containing Dallas is"


def _logit_diff(rm, final: torch.Tensor) -> torch.Tensor:
    """The model's own pre-soft-cap logit(Austin) - logit(Dallas) from the unembedding input."""
    a, b = (rm.tokenizer.encode(t, add_special_tokens=False)[0] for t in ("Austin", "Dallas"))
    logits = rm.model.unembed(final[-1][None, None])[0, 0]
    return logits[a] - logits[b]


@pytest.mark.parametrize("kind", ["plt", "clt", "plt-skip"])
def test_a_logit_difference_row_is_the_change_of_the_logit_difference(replacement_models, kind):
    rm = replacement_models("gemma2", kind)
    result = attribute(rm, PROMPT, attribution_targets=LogitDiff("Austin", "Dallas"))
    assert result.logit_labels == ["Austin \N{MINUS SIGN} Dallas"]
    assert result.logit_tokens.tolist() == [rm.cfg.d_vocab]  # circuit-tracer's virtual index
    tokens = result.input_tokens
    comp = compute_components(rm.forward_state(tokens), rm.transcoders)
    dense, row = result.dense_adjacency(), result.n_nodes - 1
    m, L, P = result.n_features, result.n_layers, result.n_pos
    base = _logit_diff(rm, frozen_run(rm, tokens)[1])
    cols = [
        *range(m),
        m + (L - 1) * P + P - 1,
        m + L * P + P - 1,
    ]  # every feature, an error, a token
    scale = dense[row].abs().max()
    moved = 0
    for col in cols:
        out_deltas, embed_delta = source_delta(rm, result, comp, col)
        _, final = frozen_run(rm, tokens, out_deltas=out_deltas, embed_delta=embed_delta)
        effect = _logit_diff(rm, final) - base
        torch.testing.assert_close(dense[row, col], effect, rtol=0, atol=1e-6 * float(scale))
        moved += int(effect.abs() > 1e-3 * scale)
    assert moved > 5  # not vacuous: many sources move the logit difference


def test_a_direction_row_is_the_change_along_the_direction(replacement_models):
    rm = replacement_models("llama", "plt-skip")
    gen = torch.Generator().manual_seed(3)
    directions = torch.randn(2, rm.cfg.d_model, generator=gen, dtype=torch.float64)
    targets = [CustomTarget("north", 0.6, directions[0]), CustomTarget("east", 0.1, directions[1])]
    result = attribute(rm, PROMPT, attribution_targets=targets, batch_size=7)
    assert result.logit_probabilities.tolist() == pytest.approx([0.6, 0.1])
    tokens = result.input_tokens
    comp = compute_components(rm.forward_state(tokens), rm.transcoders)
    dense = result.dense_adjacency()
    rows = torch.arange(result.n_nodes - 2, result.n_nodes)
    base = directions @ frozen_run(rm, tokens)[1][-1]
    m, L, P = result.n_features, result.n_layers, result.n_pos
    gen = torch.Generator().manual_seed(0)
    cols = [*torch.randperm(m, generator=gen)[:8].tolist(), m + L * P + 1, m + 2]
    scale = dense[rows].abs().max()
    for col in cols:
        out_deltas, embed_delta = source_delta(rm, result, comp, col)
        _, final = frozen_run(rm, tokens, out_deltas=out_deltas, embed_delta=embed_delta)
        effect = directions @ final[-1] - base
        torch.testing.assert_close(dense[rows, col], effect, rtol=0, atol=1e-6 * float(scale))
    assert dense[rows][:, :m].abs().max() > 1e-3 * scale


def test_a_logit_difference_is_the_difference_of_the_two_token_rows(replacement_models):
    rm = replacement_models("gemma2", "clt")
    diff = attribute(rm, PROMPT, attribution_targets=LogitDiff("Austin", "Dallas"))
    pair = attribute(rm, PROMPT, attribution_targets=["Austin", "Dallas"])
    assert pair.logit_labels == ["Austin", "Dallas"]
    # Every active feature is visited in both, so the columns line up; demeaning cancels.
    assert torch.equal(diff.selected_features, pair.selected_features)
    torch.testing.assert_close(diff.block[-1], pair.block[-2] - pair.block[-1])
    p = pair.logit_probabilities
    assert float(diff.logit_probabilities[0]) == pytest.approx(max(abs(float(p[0] - p[1])), 1e-6))
