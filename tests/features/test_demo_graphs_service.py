"""load_demo_graphs's own logic, through the embedded runner with the engine's trace() replaced by
one that returns a synthetic graph: one public, featured graph per demo task, owned by the demo
user, pointing at served dashboards; idempotent. (The real engine on the shipped demo model is
exercised in test_demo_graphs_engine.py.)"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from graphs.features.services.demo_features import load_shipped_features
from graphs.generation.demo_tasks import DEMO_TASKS, DEMO_USERNAME
from graphs.generation.services.demo_graphs import load_demo_graphs
from graphs.models import Graph, Source, Visibility
from graphs.storage import open_body_json
from graphs.testing import build_graph_document, cantor
from tests.features.dashboards import make_dashboard, write_jsonl_gz

# The runner commits each step of a job, as in a worker: these tests need real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.datalayer]


class RecordingTracer:
    """Stands in for the engine's trace(): records its calls, returns a valid synthetic graph."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __call__(self, model_ref, transcoders_ref, prompt, *, settings, progress=None, **_):
        self.calls.append((model_ref, transcoders_ref, prompt, settings["slug"]))
        return build_graph_document(slug=settings["slug"], scan="whatever-the-engine-says")


@pytest.fixture
def engine(monkeypatch) -> RecordingTracer:
    """The engine's trace(), as the runner calls it, replaced by a RecordingTracer."""
    import inference_worker.engine

    tracer = RecordingTracer()
    monkeypatch.setattr(inference_worker.engine, "trace", tracer)
    return tracer


@pytest.fixture
def demo_dashboards(tmp_path):
    """Dashboards for every feature of the synthetic graph, as the shipped files would have."""
    document = build_graph_document()
    records = [
        {
            "model_id": "demo",
            "source_set": "demo",
            "layer": int(n["layer"]),
            **make_dashboard(int(n["node_id"].split("_")[1])),
        }
        for n in document["nodes"]
        if n["feature_type"] == "cross layer transcoder"
    ]
    unique = {(r["layer"], r["index"]): r for r in records}
    write_jsonl_gz(tmp_path / "demo.jsonl.gz", list(unique.values()))
    load_shipped_features(tmp_path)
    return unique


def test_each_task_gets_one_public_featured_graph(demo_dashboards, engine):
    tracer = engine
    outcomes = load_demo_graphs()
    assert [o.created for o in outcomes] == [True] * 4
    assert [c[2] for c in tracer.calls] == [t.prompt for t in DEMO_TASKS]
    assert {c[:2] for c in tracer.calls} == {("demo", "demo")}
    graphs = Graph.objects.filter(owner__username=DEMO_USERNAME)
    assert sorted(g.slug for g in graphs) == sorted(t.slug for t in DEMO_TASKS)
    for graph in graphs:
        assert graph.visibility == Visibility.PUBLIC and graph.featured
        assert graph.source == Source.GENERATED and graph.model_id == "demo"
    assert not graphs.first().owner.has_usable_password()


def test_a_second_run_traces_nothing(demo_dashboards, engine):
    load_demo_graphs()
    Graph.objects.filter(slug="demo-opposite").update(featured=False, visibility=Visibility.PRIVATE)
    engine.calls.clear()
    outcomes = load_demo_graphs()
    assert engine.calls == [] and [o.created for o in outcomes] == [False] * 4
    assert Graph.objects.count() == 4
    fixed = Graph.objects.get(slug="demo-opposite")
    assert fixed.featured and fixed.visibility == Visibility.PUBLIC


def test_the_stored_graphs_point_at_served_dashboards(demo_dashboards, engine):
    load_demo_graphs()
    graph = Graph.objects.get(slug="demo-two-hop-capital")
    with open_body_json(graph.body_key) as body:
        document = json.load(body)
    base = document["metadata"]["feature_details"]["feature_json_base_url"]
    assert base == "/feature-json/demo/demo"
    client = APIClient()
    features = [n for n in document["nodes"] if n["feature_type"] == "cross layer transcoder"]
    assert features
    for node in features:
        response = client.get(f"{base}/{node['feature']}.json")
        assert response.status_code == 200
        layer, index = int(node["layer"]), int(node["node_id"].split("_")[1])
        assert node["feature"] == cantor(layer, index)
        assert response.json()["top_logits"] == demo_dashboards[(layer, index)]["top_logits"]


def test_the_public_base_url_setting_makes_the_links_absolute(demo_dashboards, settings, engine):
    settings.PUBLIC_BASE_URL = "https://circuits.example.org"
    load_demo_graphs()
    graph = Graph.objects.get(slug="demo-addition")
    with open_body_json(graph.body_key) as body:
        details = json.load(body)["metadata"]["feature_details"]
    assert details["feature_json_base_url"] == "https://circuits.example.org/feature-json/demo/demo"


def test_a_graph_the_validator_refuses_stops_the_command_in_one_line(demo_dashboards, monkeypatch):
    import inference_worker.engine

    def broken(*args, settings, **kwargs):
        document = build_graph_document(slug=settings["slug"])
        document["links"].append({"source": "nope", "target": "nope", "weight": 1.0})
        return document

    monkeypatch.setattr(inference_worker.engine, "trace", broken)
    with pytest.raises(CommandError, match="could not be made") as caught:
        call_command("load_demo_graphs")
    assert caught.value.returncode == 2
    assert "nope" in str(caught.value)
    assert not Graph.objects.exists()
