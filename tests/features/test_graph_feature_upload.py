"""Uploading dashboards for an uploaded graph: validation by path, limits, transactions, and the
permission rules (owner and editors may; viewers, outsiders and anonymous users may not)."""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from graphs.features.ids import cantor_pair
from graphs.features.models import Feature
from graphs.models import Source, Visibility
from graphs.testing import FEATURE_INDEX_BASE
from tests.factories import GraphFactory, UserFactory
from tests.features.dashboards import make_dashboard

pytestmark = pytest.mark.django_db

# Features of the synthetic graph (graphs.testing): layers 0-1, index BASE + ctx*2 + k, ctx 1-3.
F0 = (0, FEATURE_INDEX_BASE + 2)  # layer 0, ctx 1, k 0
F1 = (1, FEATURE_INDEX_BASE + 7)  # layer 1, ctx 3, k 1


def dashboard_for(layer_: int, index: int, /, **extra) -> dict:
    data = make_dashboard(cantor_pair(layer_, index))
    data.update(extra)
    return data


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def owner():
    return UserFactory()


@pytest.fixture
def graph(owner):
    return GraphFactory(owner=owner, visibility=Visibility.PRIVATE, source=Source.UPLOADED)


def url(graph, tail: str = "") -> str:
    return f"/api/graphs/{graph.pk}/features/{tail}"


def upload(client, graph, body, **kwargs):
    return client.post(url(graph), body, format="json", **kwargs)


def test_the_owner_uploads_dashboards_and_reads_them_back(graph, owner):
    client = client_for(owner)
    body = {
        "source_set": "my-clt",
        "features": [dashboard_for(*F0, label="cats"), dashboard_for(*F1)],
    }
    response = upload(client, graph, body)
    assert response.status_code == 201, response.content
    assert response.json() == {
        "graph": graph.pk,
        "source_set": "my-clt",
        "created": 2,
        "replaced": 0,
        "total": 2,
    }
    row = Feature.objects.of_graph(graph).get(layer=F0[0], index=F0[1])
    assert (row.owner, row.label, row.source_set, row.model_id) == (
        owner,
        "cats",
        "my-clt",
        graph.model_id,
    )
    detail = client.get(url(graph, f"{F0[0]}/{F0[1]}/")).json()
    assert detail["examples_quantiles"] == body["features"][0]["examples_quantiles"]
    by_id = client.get(f"/feature-json/graphs/{graph.pk}/{cantor_pair(*F1)}.json").json()
    assert by_id["index"] == cantor_pair(*F1) and by_id["layer"] == F1[0]
    batch = client.post(
        url(graph, "batch/"), {"features": [list(F1), [0, 5], list(F0)]}, format="json"
    )
    assert [(r["layer"], r["index"]) for r in batch.json()["results"]] == [F1, F0]
    assert batch.json()["missing"] == [[0, 5]]
    summary = client.get(url(graph)).json()
    assert summary["sets"] == [
        {"model_id": graph.model_id, "source_set": "my-clt", "n_features": 2}
    ]


def test_a_second_upload_replaces_the_same_features(graph, owner):
    client = client_for(owner)
    upload(client, graph, [dashboard_for(*F0, label="old")])
    response = upload(client, graph, [dashboard_for(*F0, label="new"), dashboard_for(*F1)])
    assert response.json()["created"] == 1 and response.json()["replaced"] == 1
    assert Feature.objects.of_graph(graph).get(layer=F0[0], index=F0[1]).label == "new"
    assert Feature.objects.of_graph(graph).count() == 2


def test_files_in_the_anthropic_format_upload_as_multipart(graph, owner):
    files = [
        SimpleUploadedFile(f"{cantor_pair(*F0)}.json", json.dumps(dashboard_for(*F0)).encode()),
        SimpleUploadedFile(
            f"{cantor_pair(*F1)}.json.gz", gzip.compress(json.dumps(dashboard_for(*F1)).encode())
        ),
    ]
    response = client_for(owner).post(url(graph), {"files": files}, format="multipart")
    assert response.status_code == 201, response.content
    assert Feature.objects.of_graph(graph).count() == 2


def test_a_gzip_json_body_is_accepted(graph, owner):
    raw = gzip.compress(json.dumps([dashboard_for(*F0)]).encode())
    response = client_for(owner).generic(
        "POST", url(graph), raw, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert response.status_code == 201, response.content


def problems_of(response) -> list[str]:
    return [p["path"] for p in response.json()["problems"]]


def test_problems_are_named_by_path_and_nothing_is_stored(graph, owner):
    bad = dashboard_for(*F1)
    bad["examples_quantiles"][0]["examples"][2]["tokens"] = ["a", 3, "c", "d", "e", "f"]
    response = upload(client_for(owner), graph, {"features": [dashboard_for(*F0), bad]})
    assert response.status_code == 400
    assert problems_of(response) == ["features[1].examples_quantiles[0].examples[2].tokens[1]"]
    assert not Feature.objects.exists()


@pytest.mark.parametrize(
    ("features", "path", "words"),
    [
        ([make_dashboard(cantor_pair(0, 5))], "features[0].index", "not a feature of this graph"),
        ([dashboard_for(*F0, layer=1)], "features[0].layer", "no node has feature"),
        ([dashboard_for(*F0), dashboard_for(*F0)], "features[1].index", "same feature"),
        ([{"index": cantor_pair(*F0)}], "features[0].examples_quantiles", "is required"),
        ([dashboard_for(*F0, top_logits=[None])], "features[0].top_logits[0]", "string"),
    ],
)
def test_each_kind_of_bad_dashboard_is_named(graph, owner, features, path, words):
    response = upload(client_for(owner), graph, {"features": features})
    assert response.status_code == 400
    problem = response.json()["problems"][0]
    assert problem["path"] == path and words in problem["message"]
    assert not Feature.objects.exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"features": []}, "features"),
        ({"features": {}}, "features"),
        ({"source_set": "a/b", "features": [1]}, "source_set"),
        ("just text", "features"),
    ],
)
def test_a_malformed_body_is_named(graph, owner, body, path):
    response = upload(client_for(owner), graph, body)
    assert response.status_code == 400 and problems_of(response) == [path]


def test_truncated_json_and_nan_are_refused(graph, owner):
    client = client_for(owner)
    truncated = client.generic(
        "POST", url(graph), b'{"features": [', content_type="application/json"
    )
    assert (
        truncated.status_code == 400
        and "not valid JSON" in truncated.json()["problems"][0]["message"]
    )
    text = json.dumps([dashboard_for(*F0)]).replace("0.5", "NaN", 1)
    assert "NaN" in text
    nan = client.generic("POST", url(graph), text.encode(), content_type="application/json")
    assert nan.status_code == 400
    assert not Feature.objects.exists()


def test_an_oversized_body_is_refused_with_413(graph, owner, settings):
    settings.UPLOAD_MAX_BYTES = 1100
    features = [dashboard_for(*F0), dashboard_for(*F1)]
    assert len(json.dumps(features)) > 1100
    response = upload(client_for(owner), graph, features)
    assert response.status_code == 413
    assert response.json()["problems"][0]["path"] == "(body)"
    assert not Feature.objects.exists()


def test_a_gzip_bomb_stops_at_the_limit(graph, owner, settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    bomb = gzip.compress(b"[" + b" " * 50_000_000 + b"]")
    assert len(bomb) < 100_000
    response = client_for(owner).generic("POST", url(graph), bomb, content_type="application/json")
    assert response.status_code == 413


def test_too_many_dashboards_are_refused(graph, owner, settings):
    settings.UPLOAD_MAX_FEATURES = 1
    response = upload(client_for(owner), graph, [dashboard_for(*F0), dashboard_for(*F1)])
    assert response.status_code == 400 and problems_of(response) == ["features"]


def test_an_unknown_media_type_is_refused(graph, owner):
    response = client_for(owner).generic("POST", url(graph), b"x", content_type="text/plain")
    assert response.status_code == 415


def test_a_generated_graph_takes_no_uploaded_dashboards(owner):
    generated = GraphFactory(owner=owner, source=Source.GENERATED)
    response = upload(client_for(owner), generated, [dashboard_for(*F0)])
    assert response.status_code == 409
    assert not Feature.objects.exists()


def test_dashboards_for_a_real_neuronpedia_graph(shared_dir):
    """A circuit-tracer graph from Neuronpedia (CLT, schema_version 1): a dashboard whose index is
    a node's `feature` lands on that node's (layer, index) and is served by that id."""
    from graphs.services.uploads import create_graph_from_upload

    owner = UserFactory()
    path = shared_dir / "fixtures" / "neuronpedia-graphs" / "the-opposite-of-20251026-175335.json"
    with path.open("rb") as handle:
        graph = create_graph_from_upload(owner, handle)
    node = next(
        n
        for n in json.loads(path.read_text())["nodes"]
        if n["feature_type"] == "cross layer transcoder"
    )
    layer, index = int(node["layer"]), int(node["node_id"].split("_")[1])
    client = client_for(owner)
    response = upload(client, graph, [make_dashboard(node["feature"])])
    assert response.status_code == 201, response.content
    stored = Feature.objects.of_graph(graph).get()
    assert (stored.layer, stored.index, stored.model_id) == (layer, index, "gemma-2-2b")
    served = client.get(f"/feature-json/graphs/{graph.pk}/{node['feature']}.json")
    assert served.status_code == 200 and served.json()["index"] == node["feature"]
