"""The offline method: each rule on a dashboard built for it, then every shipped demo dashboard
(each gets a label, and each label is backed by the evidence its rule names)."""

from __future__ import annotations

from collections import Counter

import pytest

from graphs.explanations.offline import display, evidence, explain
from graphs.features import conf as feature_conf
from graphs.features.shipped import iter_shipped


def example(tokens: list[str], peak_at: int, value: float = 3.0) -> dict:
    acts = [0.0] * len(tokens)
    acts[peak_at] = value
    return {"tokens": tokens, "tokens_acts_list": acts}


def dashboard(examples: list[dict], logits: list[str]) -> dict:
    return {
        "examples_quantiles": [{"quantile_name": "Top activations", "examples": examples}],
        "top_logits": logits,
        "bottom_logits": [],
    }


def test_it_says_the_next_token_when_the_logits_agree():
    examples = [example(["capital", " is", " Austin"], 1) for _ in range(4)]
    examples.append(example(["capital", " is", " Denver"], 1))
    assert explain(dashboard(examples, [" Dallas", " Austin", " Texas"])) == "say Austin"


def test_a_following_token_the_logits_do_not_push_is_no_say():
    examples = [example(["in", " Texas", " today"], 1) for _ in range(4)]
    # The feature peaks on " Texas"; " today" follows but is not among its logits.
    assert explain(dashboard(examples, [" cowboy", " ranch", " oil"])) == "Texas"


def test_logits_that_name_one_word_say_it():
    examples = [example(["a", "b", "c"], i % 3) for i in range(6)]
    assert explain(dashboard(examples, [" eight", "eight", " Eight.", " nine"])) == "say eight"


def test_scattered_peaks_list_the_commonest_tokens():
    examples = [example([t, " x"], 0) for t in ["a", "b", "c", "a", "d", "b"]]
    assert explain(dashboard(examples, ["p", "q", "r"])) == "a / b / c"


def test_a_dead_feature_and_an_empty_dashboard():
    assert explain({"examples_quantiles": [], "top_logits": [" x"]}) == "dead feature"
    assert explain({}) is None


def test_the_strongest_examples_count_across_quantiles():
    weak = [example(["w", " y"], 0, value=0.1) for _ in range(20)]
    strong = [example(["s", " z"], 0, value=9.0) for _ in range(10)]
    board = {
        "examples_quantiles": [
            {"quantile_name": "Subsample Interval 0", "examples": weak},
            {"quantile_name": "Top activations", "examples": strong},
        ],
        "top_logits": ["p", "q", "r"],
    }
    assert evidence(board).fired_on == Counter({"s": 10})


def test_spacing_tokens_are_named():
    assert display("\n") == "(newline)" and display(" ") == "(space)" and display(" Hi ") == "Hi"


@pytest.fixture(scope="module")
def shipped() -> list:
    features = list(iter_shipped(feature_conf.DEMO_DASHBOARDS_DIR))
    if not features:
        pytest.skip("the demo dashboards are not in this checkout")
    return features


def test_every_shipped_feature_gets_a_label_its_evidence_backs(shipped):
    kinds: Counter[str] = Counter()
    for feature in shipped:
        label = explain(feature.dashboard)
        assert label, f"{feature.layer}/{feature.index} has no label"
        ev = evidence(feature.dashboard)
        top = [display(t) for t in ev.top_logits[:5]]
        if ev.n_examples == 0:
            assert label == "dead feature"
            kinds["dead"] += 1
        elif label.startswith("say "):
            said = label.removeprefix("say ")
            words = {display(t).strip(".,;:!?\"'()").lower() for t in ev.top_logits[:3]}
            backed_by_examples = said in top and ev.followed_by[said] * 2 >= sum(
                ev.followed_by.values()
            )
            assert backed_by_examples or words == {said.lower()}, (feature.layer, feature.index)
            kinds["say"] += 1
        elif " / " in label:
            assert max(ev.fired_on.values()) * 2 < ev.n_examples
            kinds["scattered"] += 1
        else:
            assert ev.fired_on[label] * 2 >= ev.n_examples, (feature.layer, feature.index, label)
            kinds["token"] += 1
    # The demo's corpus is capitals, acronyms, opposites and sums: many features predict a
    # token, many sit on one; both rules must be exercised by the real data.
    assert kinds["say"] > 500 and kinds["token"] > 500, kinds


def test_the_texas_to_austin_features_of_the_demo_are_found(shipped):
    labels = Counter(explain(f.dashboard) for f in shipped if f.source_set == "demo")
    assert labels["say Austin"] >= 2
    assert labels["say Texas"] >= 1  # the middle hop of Dallas -> Texas -> Austin
