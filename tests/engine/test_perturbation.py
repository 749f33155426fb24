"""Every edge kind equals a real perturbation of the frozen replacement model.

For a source node we add its output (activation x decoder, error vector, or token embedding) to
the frozen model (frozen_reference.frozen_run: attention patterns, norm scales and MLP outputs
pinned, skip recomputed) and measure the change of every target: each selected feature's
pre-activation (encoder row . transcoder input) and each logit's demeaned direction at the
unembed input. The model is linear under these freezes, so the change must equal the column of
the adjacency matrix exactly (float64 here)."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import attribute
from inference_worker.engine.components import compute_components
from tests.engine.frozen_reference import frozen_run, source_delta

PROMPT = "the capital of France is Paris and the capital of Texas is"


def _targets(rm, result, inputs, final):
    tc, W_U = rm.transcoders, rm.model.W_U
    values = []
    for f in result.selected_features.tolist():
        layer, pos, idx = result.active_features[f].tolist()
        values.append(tc.encoder_rows(layer, torch.tensor([idx]))[0] @ inputs[layer][pos])
    directions = (W_U[:, result.logit_tokens] - W_U.mean(-1, keepdim=True)).T
    values.extend(directions @ final[-1])
    return torch.stack(values)


@pytest.mark.parametrize("arch", ["gemma2", "llama"])
@pytest.mark.parametrize("kind", ["plt", "plt-skip", "clt", "plt-skip-mlp"])
def test_it_matches_perturbations_for_every_edge_kind(replacement_models, arch, kind):
    rm = replacement_models(arch, kind)
    result = attribute(rm, PROMPT, batch_size=13)
    tokens = result.input_tokens
    comp = compute_components(rm.forward_state(tokens), rm.transcoders)
    dense = result.dense_adjacency()
    m, L, P = result.n_features, result.n_layers, result.n_pos
    base = _targets(rm, result, *frozen_run(rm, tokens))
    gen = torch.Generator().manual_seed(0)
    features = torch.randperm(m, generator=gen)[:6].tolist()
    errors = [m + layer * P + pos for layer in range(L) for pos in (1, P - 1)]
    tokens_cols = [m + L * P + pos for pos in (0, P // 2, P - 1)]
    rows = result.row_nodes()
    scale = dense.abs().max()
    checked = {"feature": 0, "error": 0, "token": 0}
    for col in features + errors + tokens_cols:
        out_deltas, embed_delta = source_delta(rm, result, comp, col)
        effect = (
            _targets(
                rm, result, *frozen_run(rm, tokens, out_deltas=out_deltas, embed_delta=embed_delta)
            )
            - base
        )
        torch.testing.assert_close(dense[rows, col], effect, rtol=0, atol=1e-6 * float(scale))
        kind_name = "feature" if col < m else "error" if col < m + L * P else "token"
        checked[kind_name] += int(effect.abs().max() > 1e-3 * scale)
    # The checks were not vacuous: each source kind had non-trivial effects somewhere...
    assert all(n > 0 for n in checked.values()), checked
    # ...including on logits (the last rows) and on features (feature -> feature edges).
    assert dense[rows[-result.n_logits :]].abs().max() > 0
    assert dense[:m, :m].abs().max() > 0
    # Position 0 has no features or errors; error and token rows are all zero.
    assert (result.active_features[:, 1] > 0).all()
    assert dense[m : m + (L + 1) * P].abs().max() == 0
    assert comp.errors[:, 0].abs().max() == 0
