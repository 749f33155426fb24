"""Real Neuronpedia graphs (../shared) upload and come back JSON-equal, and what we store validates
against Neuronpedia's own schema. Our own fixtures are checked against that schema too."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from graphs.models import Graph
from graphs.storage import open_body
from graphs.validation.schema import graph_schema
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.django_db

REAL_GRAPHS = [
    "clt-hp-the-capital-of-201020250035-20251020-003525.json",
    "fact_michael_jordan_202510262027-20251026-022811.json",
    "the-opposite-of-20251026-175335.json",
]


@pytest.fixture(scope="module")
def neuronpedia_schema(shared_dir: Path) -> Draft7Validator:
    return Draft7Validator(json.loads((shared_dir / "schemas" / "graph-schema.json").read_text()))


def stored_document(graph: Graph):
    with open_body(graph.body_key) as fh:
        return json.loads(gzip.decompress(fh.read()))


@pytest.mark.parametrize("name", REAL_GRAPHS)
def test_it_round_trips_a_real_neuronpedia_graph(api, shared_dir, neuronpedia_schema, name):
    raw = (shared_dir / "fixtures" / "neuronpedia-graphs" / name).read_bytes()
    original = json.loads(raw)
    created = api("owner").post(
        "/api/graphs/?visibility=public", raw, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    graph_id = created.json()["id"]
    for accept in ("gzip", "identity"):
        response = api("anonymous").get(
            f"/api/graphs/{graph_id}/data/", HTTP_ACCEPT_ENCODING=accept
        )
        content = b"".join(response.streaming_content)
        returned = json.loads(gzip.decompress(content) if accept == "gzip" else content)
        assert returned == original
        assert returned["qParams"] == original["qParams"]
        assert [n["clerp"] for n in returned["nodes"]] == [n["clerp"] for n in original["nodes"]]
    assert (
        list(neuronpedia_schema.iter_errors(stored_document(Graph.objects.get(pk=graph_id)))) == []
    )
    metadata = created.json()
    assert metadata["model_id"] == original["metadata"]["scan"] == "gemma-2-2b"
    assert metadata["node_count"] == len(original["nodes"])


@pytest.mark.parametrize("name", ["tiny.json", "links-first.json"])
def test_it_keeps_its_own_fixtures_valid_for_neuronpedia(neuronpedia_schema, name):
    document = json.loads((FIXTURES / name).read_text())
    assert list(neuronpedia_schema.iter_errors(document)) == []


def test_it_requires_at_least_what_neuronpedia_requires(shared_dir):
    theirs = json.loads((shared_dir / "schemas" / "graph-schema.json").read_text())
    ours = graph_schema()
    assert set(theirs["required"]) <= set(ours["required"])
    assert set(theirs["properties"]["metadata"]["required"]) <= set(
        ours["$defs"]["metadata"]["required"]
    )
    assert set(theirs["properties"]["nodes"]["items"]["required"]) <= set(
        ours["$defs"]["node"]["required"]
    )
    assert set(theirs["properties"]["links"]["items"]["required"]) <= set(
        ours["$defs"]["link"]["required"]
    )
