"""Choosing attribution targets: what each input means, and a clear error for each bad one."""

from __future__ import annotations

import pytest
import torch

from inference_worker.engine import EngineError, attribute
from inference_worker.engine.settings import AttributionSettings
from inference_worker.engine.targets import CustomTarget, LogitDiff

PROMPT = "the capital of France is"


@pytest.fixture(scope="module")
def rm(replacement_models):
    return replacement_models("gemma2", "plt", "float32")


def test_ids_and_strings_name_the_same_targets_in_the_order_given(rm):
    austin = rm.tokenizer.encode("Austin", add_special_tokens=False)[0]
    by_string = attribute(rm, PROMPT, attribution_targets=["Paris", "Austin"], max_feature_nodes=20)
    by_id = attribute(
        rm,
        PROMPT,
        attribution_targets=torch.tensor([by_string.logit_tokens[0], austin]),
        max_feature_nodes=20,
    )
    assert by_string.logit_labels == by_id.logit_labels == ["Paris", "Austin"]
    assert by_string.logit_tokens.tolist() == by_id.logit_tokens.tolist()
    torch.testing.assert_close(by_string.block, by_id.block)
    assert by_string.settings["attribution_targets"]["kind"] == "tokens"
    assert "max_n_logits" not in by_string.settings  # it chose nothing here
    salient = attribute(rm, PROMPT, max_feature_nodes=20)
    assert salient.settings["max_n_logits"] == 10 and "attribution_targets" not in salient.settings


def test_custom_targets_get_circuit_tracers_virtual_ids_and_their_weights(rm):
    d = rm.cfg.d_model
    targets = [CustomTarget("up", 0.5, torch.ones(d)), ("down", 2, -torch.ones(d))]
    result = attribute(rm, PROMPT, attribution_targets=targets, max_feature_nodes=10)
    assert result.logit_tokens.tolist() == [rm.cfg.d_vocab, rm.cfg.d_vocab + 1]
    assert result.logit_probabilities.tolist() == [0.5, 2.0]
    assert result.logit_labels == ["up", "down"]
    # Opposite directions: opposite rows.
    torch.testing.assert_close(result.block[-1], -result.block[-2])


@pytest.mark.parametrize(
    "spec,message",
    [
        (["nowhere"], r"target token 'nowhere' is not one token of this model's vocabulary"),
        (["capital city"], r"'capital city' is not one token .* splits into \['capital', 'city'\]"),
        ([""], r"'' is not one token .* encodes to nothing"),
        ([5, 9999], r"target token id 9999 is not in \[0, 86\)"),
        (["Paris", "Paris"], r"target token 'Paris' is given twice"),
        ([], r"the list of attribution targets is empty"),
        (LogitDiff("Paris", "Paris"), r"a logit difference needs two different tokens"),
        (LogitDiff("Paris", "Lyon"), r"target token 'Lyon' is not one token"),
        (
            [CustomTarget("v", 1.0, torch.ones(31))],
            r"'v': the vector has shape \(31,\), expected \(32,\)",
        ),
        ([CustomTarget("v", 0.0, torch.ones(32))], r"'v': the weight must be positive, got 0.0"),
        ([CustomTarget("v", 1.0, torch.full((32,), float("nan")))], r"'v': the vector has NaN"),
        ([("v", 1.0)], r"custom target 0 must be \(label, weight, vector\)"),
    ],
)
def test_each_bad_target_is_refused_with_a_message_naming_it(rm, spec, message):
    with pytest.raises(EngineError, match=message):
        attribute(rm, PROMPT, attribution_targets=spec, max_feature_nodes=5)


def test_settings_take_one_kind_of_target_at_most():
    assert AttributionSettings(logit_diff=["a", "b"]).target_spec() == LogitDiff("a", "b")
    assert AttributionSettings(targets=[3, "a"]).target_spec() == [3, "a"]
    assert AttributionSettings().target_spec() is None
    with pytest.raises(EngineError, match="targets and logit_diff cannot be used together"):
        AttributionSettings(targets=["a"], logit_diff=["a", "b"]).target_spec()
    with pytest.raises(EngineError, match=r"logit_diff needs exactly two tokens"):
        AttributionSettings(logit_diff=["a"]).target_spec()
