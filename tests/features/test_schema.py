"""Our feature-dashboard schema: it accepts the public format and names each problem by path."""

from __future__ import annotations

import json

import jsonschema
import pytest

from graphs.features.schema import FEATURE_DASHBOARD_SCHEMA, validate_dashboard
from tests.features.dashboards import make_dashboard


def paths(data) -> list[str]:
    return [p.path for p in validate_dashboard(data)]


def test_it_accepts_a_well_formed_dashboard():
    assert validate_dashboard(make_dashboard(7)) == []


def test_what_it_accepts_the_reference_schema_accepts_too(shared_dir):
    reference = json.loads((shared_dir / "schemas" / "feature-details-schema.json").read_text())
    dashboard = make_dashboard(3)
    dashboard["extra_field"] = {"kept": True}
    assert validate_dashboard(dashboard) == []
    jsonschema.validate(dashboard, reference)


def test_our_schema_is_itself_valid():
    jsonschema.Draft202012Validator.check_schema(FEATURE_DASHBOARD_SCHEMA)


def test_it_names_a_wrong_token_by_its_path():
    data = make_dashboard(1)
    data["examples_quantiles"][0]["examples"][2]["tokens"][4] = 17
    assert paths(data) == ["examples_quantiles[0].examples[2].tokens[4]"]


def test_it_names_a_missing_field_by_its_path():
    data = make_dashboard(1)
    del data["examples_quantiles"][0]["examples"][1]["tokens"]
    problems = validate_dashboard(data)
    assert [(p.path, p.message) for p in problems] == [
        ("examples_quantiles[0].examples[1].tokens", "is required")
    ]


def test_it_refuses_activations_that_do_not_match_the_tokens():
    data = make_dashboard(1, n_tokens=5)
    data["examples_quantiles"][0]["examples"][0]["tokens_acts_list"].pop()
    problems = validate_dashboard(data)
    assert problems[0].path == "examples_quantiles[0].examples[0].tokens_acts_list"
    assert "4 activations for 5 tokens" in problems[0].message


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_it_refuses_non_finite_activations(bad):
    data = make_dashboard(1)
    data["examples_quantiles"][0]["examples"][1]["tokens_acts_list"][2] = bad
    assert paths(data) == ["examples_quantiles[0].examples[1].tokens_acts_list[2]"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.pop("index"), "index"),
        (lambda d: d.update(index=-2), "index"),
        (lambda d: d.update(index="12"), "index"),
        (lambda d: d.update(top_logits="Austin"), "top_logits"),
        (lambda d: d.update(examples_quantiles={}), "examples_quantiles"),
        (
            lambda d: d["examples_quantiles"][0].pop("quantile_name"),
            "examples_quantiles[0].quantile_name",
        ),
    ],
)
def test_it_names_each_kind_of_problem(change, where):
    data = make_dashboard(2)
    change(data)
    assert where in paths(data)


def test_it_refuses_a_dashboard_that_is_not_an_object():
    assert paths([1, 2]) == ["(root)"]


def test_it_prefixes_paths_for_a_dashboard_inside_an_upload():
    data = make_dashboard(1)
    data["bottom_logits"] = [1]
    problems = validate_dashboard(data, prefix="features[4]")
    assert [p.path for p in problems] == ["features[4].bottom_logits[0]"]


def test_it_caps_sizes():
    data = make_dashboard(1)
    data["top_logits"] = ["x"] * 1000
    assert "top_logits" in paths(data)


def _mutations():
    """Dashboards with one thing changed, valid or not: the fast path must agree with jsonschema."""
    changes = [
        lambda d: None,
        lambda d: d.update(index=True),
        lambda d: d.update(index=3.0),
        lambda d: d.update(label=None),
        lambda d: d.update(label="x" * 201),
        lambda d: d.update(extra={"deep": [1.0, float("nan")]}),
        lambda d: d.update(extra={"deep": [1.0, 2]}),
        lambda d: d["examples_quantiles"][0].update(note=float("inf")),
        lambda d: d["examples_quantiles"][0]["examples"][0].update(train_token_ind=2),
        lambda d: d["examples_quantiles"][0]["examples"][0].update(train_token_ind=-2),
        lambda d: d["examples_quantiles"][0]["examples"][0].update(is_repeated_datapoint=1),
        lambda d: d["examples_quantiles"][0]["examples"][1]["tokens_acts_list"].__setitem__(
            0, True
        ),
        lambda d: d["examples_quantiles"][0]["examples"][1]["tokens_acts_list"].__setitem__(0, 7),
        lambda d: d["examples_quantiles"][0]["examples"][1]["tokens"].__setitem__(0, "x" * 1001),
        lambda d: d["examples_quantiles"].append("not an object"),
        lambda d: d.update(top_logits=["a"] * 201),
        lambda d: d.update(bottom_logits=[]),
        lambda d: d.pop("top_logits"),
    ]
    for i, change in enumerate(changes):
        data = make_dashboard(5)
        change(data)
        yield pytest.param(data, id=str(i))


@pytest.mark.parametrize("data", _mutations())
def test_the_fast_path_never_accepts_what_jsonschema_refuses(data):
    from graphs.features.schema import _VALIDATOR, is_clearly_valid

    if is_clearly_valid(data):
        assert not list(_VALIDATOR.iter_errors(data))
        assert validate_dashboard(data) == []


def test_the_fast_path_takes_the_usual_dashboard():
    from graphs.features.schema import is_clearly_valid

    assert is_clearly_valid(make_dashboard(5))
