"""AttributionSettings: the one place of the defaults of attribute, prune_graph, to_graph_json,
trace and the CLI."""

from __future__ import annotations

import inspect

import pytest

from inference_worker.engine import EngineError, attribute, prune_graph, to_graph_json
from inference_worker.engine.cli import build_parser
from inference_worker.engine.settings import DEFAULTS, AttributionSettings


def test_it_is_the_default_of_every_entry_point():
    for function in (attribute, prune_graph, to_graph_json):
        for name, parameter in inspect.signature(function).parameters.items():
            if hasattr(DEFAULTS, name) and parameter.default is not parameter.empty:
                assert parameter.default == getattr(DEFAULTS, name), (function.__name__, name)
    args = vars(build_parser().parse_args(["attribute", "--model", "demo", "--prompt", "x"]))
    for name, value in args.items():
        if hasattr(DEFAULTS, name):
            assert value == getattr(DEFAULTS, name), name


def test_a_jobs_settings_keep_the_defaults_they_leave_out_or_set_to_none():
    settings = AttributionSettings.from_mapping({"max_feature_nodes": 40, "node_threshold": None})
    assert settings.max_feature_nodes == 40
    assert settings.node_threshold == DEFAULTS.node_threshold == 0.8


def test_it_refuses_an_unknown_setting():
    with pytest.raises(EngineError, match="unknown setting 'nodes'"):
        AttributionSettings.from_mapping({"nodes": 3})
