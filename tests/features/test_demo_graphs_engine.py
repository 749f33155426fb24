"""load_demo_graphs with the real engine.

- On a tiny random model built by the engine's test helpers (always runs): the engine's JSON goes
  through our validator and storage, and its feature ids decode to the (layer, index) our
  dashboard URLs use.
- On the shipped demo model (needs inference_worker/demo/assets/): the four featured graphs exist,
  and every feature node's dashboard URL answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from graphs.features.ids import cantor_unpair
from graphs.features.services.demo_features import load_shipped_features
from graphs.generation.demo_tasks import DEMO_TASKS, DEMO_USERNAME
from graphs.generation.services.demo_graphs import load_demo_graphs
from graphs.models import Graph, Visibility
from graphs.storage import open_body_json

# The runner commits each step of a job, as in a worker: these tests need real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ASSETS = Path(__file__).resolve().parents[2] / "inference_worker" / "demo" / "assets"


def stored_json(graph: Graph) -> dict:
    with open_body_json(graph.body_key) as body:
        return json.load(body)


def feature_nodes(document: dict) -> list[dict]:
    return [n for n in document["nodes"] if n["feature_type"] == "cross layer transcoder"]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from inference_worker.engine.tiny import build_tiny_model_dir, build_tiny_transcoders

    root = tmp_path_factory.mktemp("tiny")
    model_dir = build_tiny_model_dir(root / "model")
    transcoders = build_tiny_transcoders(root / "tc", model_dir, kind="plt", d_transcoder=48)
    return model_dir, transcoders


def test_engine_graphs_are_stored_and_their_ids_match_our_urls(tiny_model, monkeypatch):
    import inference_worker.engine
    from inference_worker.engine import trace

    model_dir, transcoders = tiny_model
    seen: list[dict] = []

    def tiny_trace(model_ref, transcoders_ref, prompt, *, settings, progress=None, **_):
        assert (model_ref, transcoders_ref) == ("demo", "demo")
        small = {**settings, "max_feature_nodes": 50}
        document = trace(
            str(model_dir), str(transcoders), prompt, settings=small, progress=progress
        )
        seen.append(document)
        return document

    # The runner traces with the engine's trace(); this one runs it on the tiny model instead.
    monkeypatch.setattr(inference_worker.engine, "trace", tiny_trace)
    outcomes = load_demo_graphs()
    assert len(outcomes) == 4 and all(o.created for o in outcomes)
    n_features = 0
    for outcome, produced in zip(outcomes, seen, strict=True):
        document = stored_json(outcome.graph)
        assert document["metadata"]["feature_details"] == {
            "feature_json_base_url": "/feature-json/demo/demo"
        }
        assert document["nodes"] == produced["nodes"]
        features = feature_nodes(document)
        n_features += len(features)
        for node in features:
            layer, index = cantor_unpair(node["feature"])
            assert layer == int(node["layer"]) and 0 <= index < 48
            assert node["node_id"] == f"{layer}_{index}_{node['ctx_idx']}"
    # A random model's pruned graph may keep no feature for some prompt, but not for all four.
    assert n_features > 0


@pytest.mark.skipif(
    not (ASSETS / "model").is_dir() or not (ASSETS / "dashboards").is_dir(),
    reason=f"the demo model and dashboards are not shipped yet ({ASSETS})",
)
def test_each_demo_task_has_a_featured_graph_whose_features_have_dashboards():
    load_shipped_features()
    outcomes = load_demo_graphs()
    assert [o.task for o in outcomes] == list(DEMO_TASKS)
    graphs = Graph.objects.filter(owner__username=DEMO_USERNAME, featured=True)
    assert sorted(g.slug for g in graphs) == sorted(t.slug for t in DEMO_TASKS)
    client = APIClient()
    for graph in graphs:
        assert graph.visibility == Visibility.PUBLIC
        document = stored_json(graph)
        base = document["metadata"]["feature_details"]["feature_json_base_url"]
        features = feature_nodes(document)
        assert features
        answered = sum(
            client.get(f"{base}/{node['feature']}.json").status_code == 200 for node in features
        )
        # Dashboards are computed for every feature that fires on the corpus; a graph's features
        # fire on its prompt, which is corpus-like, so all of them must have one.
        assert answered == len(features), f"{graph.slug}: {answered}/{len(features)} dashboards"
    assert all(not o.created for o in load_demo_graphs())
