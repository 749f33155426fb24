"""Uploaded Neuronpedia graphs get meaning: the set is derived from their metadata and node ids
(the three real graphs of ../shared), every feature links to its Neuronpedia page, and our
imported explanations label their nodes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from graphs.explanations.graph_nodes import feature_pairs
from graphs.explanations.graph_source import derive
from graphs.explanations.services.importer import import_stream
from graphs.models import Visibility
from tests.explanations.exports import np_row, write_jsonl
from tests.factories import GraphFactory

FIXTURES = (
    "clt-hp-the-capital-of-201020250035-20251020-003525.json",
    "fact_michael_jordan_202510262027-20251026-022811.json",
    "the-opposite-of-20251026-175335.json",
)


@pytest.fixture(params=FIXTURES)
def real_graph(request, shared_dir: Path) -> dict:
    path = shared_dir / "fixtures" / "neuronpedia-graphs" / request.param
    if not path.is_file():
        pytest.skip(f"{path} is not in the reference material")
    return json.loads(path.read_text())


def test_the_set_of_each_real_graph_is_derived(real_graph):
    pairs = feature_pairs(real_graph["nodes"], 1)
    derived = derive(real_graph["metadata"], pairs)
    assert derived is not None and derived.how == "info.source_urls"
    fs = derived.feature_set
    assert (fs.model_id, fs.source_set) == ("gemma-2-2b", "clt-hp")
    layer, index = sorted(pairs)[0]
    assert fs.neuronpedia_url(layer, index) == (
        f"https://www.neuronpedia.org/gemma-2-2b/{layer}-clt-hp/{index}"
    )


def test_without_source_urls_the_node_ids_still_say_clt_hp(real_graph):
    metadata = {k: v for k, v in real_graph["metadata"].items() if k != "info"}
    pairs = feature_pairs(real_graph["nodes"], 1)
    derived = derive(metadata, pairs)
    assert derived.how == "scan and node ids"
    assert derived.feature_set.neuronpedia_source_set == "clt-hp"
    narrow = {(layer, index) for layer, index in pairs if index < 16384}
    assert derive(metadata, narrow).feature_set.neuronpedia_source_set == (
        "gemmascope-transcoder-16k"
    )


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (
            {
                "scan": "gemma-2-2b",
                "feature_details": {"neuronpedia_source_set": "gemmascope-transcoder-16k"},
            },
            ("gemma-2-2b", "gemmascope-transcoder-16k", "metadata.feature_details"),
        ),
        (
            {
                "scan": "gemma-2-2b",
                "info": {"transcoder_set": "google/gemma-scope-2b-pt-transcoders"},
            },
            ("gemma-2-2b", "gemmascope-transcoder-16k", "info.transcoder_set"),
        ),
        (
            {
                "scan": "qwen3-4b",
                "info": {"source_urls": ["https://neuronpedia.org/qwen3-4b/transcoder-hp"]},
            },
            ("qwen3-4b", "transcoder-hp", "info.source_urls"),
        ),
        ({"scan": "demo"}, ("demo", "demo", "scan")),
    ],
)
def test_other_evidence(metadata, expected):
    derived = derive(metadata, [(0, 1)])
    assert (derived.feature_set.model_id, derived.feature_set.source_set, derived.how) == expected


def test_an_unknown_model_has_no_set():
    assert derive({"scan": "mystery-7b"}, [(0, 1)]) is None


@pytest.mark.django_db
def test_an_uploaded_neuronpedia_graph_shows_our_imported_explanations(real_graph, cast, tmp_path):
    pairs = sorted(feature_pairs(real_graph["nodes"], 1))
    (l0, i0), (l1, i1) = pairs[0], pairs[-1]
    rows = [
        np_row(i0, "capital cities", layer=f"{l0}-clt-hp"),
        np_row(i1, "say Austin", layer=f"{l1}-clt-hp", score=0.8),
        np_row(i1, "Texas", layer=f"{l1}-gemmascope-transcoder-16k"),  # another set: not shown
    ]
    import_stream(write_jsonl(tmp_path / "np.jsonl", rows).open("rb"))
    graph = GraphFactory(
        owner=cast.owner, visibility=Visibility.UNLISTED, model_id="gemma-2-2b", document=real_graph
    )
    body = APIClient().get(f"/api/graphs/{graph.pk}/explanations/").json()
    assert body["source"]["neuronpedia_url_template"] == (
        "https://www.neuronpedia.org/gemma-2-2b/{layer}-clt-hp/{index}"
    )
    assert body["source"]["derived_from"] == "info.source_urls"
    assert body["feature_nodes"] == len(pairs)
    assert {k: v["description"] for k, v in body["explanations"].items()} == {
        f"{l0}_{i0}": "capital cities",
        f"{l1}_{i1}": "say Austin",
    }
