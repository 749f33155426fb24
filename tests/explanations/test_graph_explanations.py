"""A graph's default labels (GET /api/graphs/{id}/explanations/), the clerp rule (a node's own
clerp wins; empty ones fall back to ours), and generated graphs getting our labels as clerps."""

from __future__ import annotations

import copy
import json

import pytest
from rest_framework.test import APIClient

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from graphs.explanations.services.graph_labels import fill_clerps
from graphs.models import Visibility
from graphs.testing import FEATURE_INDEX_BASE, build_graph_document
from tests.factories import GraphFactory

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]


def demo_document(**kwargs) -> dict:
    """A small graph whose metadata names our demo set (scan `demo`)."""
    document = build_graph_document(scan="demo", **kwargs)
    return document


def explain(layer: int, index: int, text: str, method: str = methods.OFFLINE, **kw) -> Explanation:
    return Explanation.objects.create(
        model_id="demo",
        source_set="demo",
        layer=layer,
        index=index,
        description=text,
        method=method,
        **kw,
    )


def feature_nodes(document: dict) -> list[dict]:
    return [n for n in document["nodes"] if "transcoder" in n["feature_type"]]


def test_it_gives_the_default_label_of_every_feature_node(cast):
    document = demo_document()
    nodes = feature_nodes(document)
    first = nodes[0]["node_id"].rsplit("_", 1)[0]
    layer, index = map(int, first.split("_"))
    explain(layer, index, "older")
    explain(layer, index, "say Austin", method=methods.HUMAN)
    explain(1, FEATURE_INDEX_BASE + 2, "cities")
    explain(1, 99999, "not in the graph")
    graph = GraphFactory(
        owner=cast.owner, visibility=Visibility.PUBLIC, model_id="demo", document=document
    )

    body = APIClient().get(f"/api/graphs/{graph.pk}/explanations/").json()
    assert body["label_priority"] == "clerp"  # an uploaded graph's own labels come first
    assert body["source"] == {
        "model": "demo",
        "source_set": "demo",
        "neuronpedia_model": None,
        "neuronpedia_source_set": None,
        "neuronpedia_url_template": None,
        "derived_from": "scan",
    }
    assert body["feature_nodes"] == len({n["node_id"].rsplit("_", 1)[0] for n in nodes})
    assert set(body["explanations"]) == {first, f"1_{FEATURE_INDEX_BASE + 2}"}
    label = body["explanations"][first]
    assert label["description"] == "say Austin" and label["method"] == methods.HUMAN
    assert set(label) == {"id", "description", "method", "explainer_model", "score"}


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
def test_a_private_graphs_labels_are_404_to_who_may_not_see_it(cast, api, persona):
    graph = GraphFactory(owner=cast.owner, visibility=Visibility.PRIVATE, model_id="demo")
    assert api(persona).get(f"/api/graphs/{graph.pk}/explanations/").status_code == 404
    cast.share(graph)
    assert api("viewer").get(f"/api/graphs/{graph.pk}/explanations/").status_code == 200


def test_labels_of_a_large_graph_take_one_explanation_query(cast, django_assert_max_num_queries):
    document = demo_document(
        n_layers=4,
        features_per_layer_and_pos=250,
        prompt_tokens=["<bos>"] + ["a"] * 5,
        links_per_node=1,
    )
    nodes = feature_nodes(document)
    assert len(nodes) == 5000
    Explanation.objects.bulk_create(
        Explanation(
            model_id="demo",
            source_set="demo",
            layer=int(n["layer"]),
            index=int(n["node_id"].split("_")[1]),
            description=f"f{i}",
            method=methods.OFFLINE,
        )
        for i, n in enumerate(nodes)
    )
    graph = GraphFactory(
        owner=cast.owner, visibility=Visibility.PUBLIC, model_id="demo", document=document
    )
    client = APIClient()
    # The graph lookup, then one query for every label (sessions and auth add none: anonymous).
    with django_assert_max_num_queries(2):
        body = client.get(f"/api/graphs/{graph.pk}/explanations/").json()
    assert body["count"] == 5000


def test_fill_clerps_keeps_a_nodes_own_clerp():
    document = demo_document()
    nodes = feature_nodes(document)
    nodes[0]["clerp"] = "the author's label"
    for n in nodes:
        explain(int(n["layer"]), int(n["node_id"].split("_")[1]), "ours")
    before = copy.deepcopy(document)
    filled = fill_clerps(document, "demo", "demo")
    assert filled == len(nodes) - 1
    assert nodes[0]["clerp"] == "the author's label"
    assert all(n["clerp"] == "ours" for n in nodes[1:])
    non_features = [n for n in document["nodes"] if "transcoder" not in n["feature_type"]]
    assert non_features == [n for n in before["nodes"] if "transcoder" not in n["feature_type"]]


def test_an_uploaded_graph_is_served_as_uploaded(cast):
    document = demo_document()
    feature_nodes(document)[0]["clerp"] = "mine"
    explain(0, FEATURE_INDEX_BASE + 2, "ours")
    graph = GraphFactory(
        owner=cast.owner, visibility=Visibility.PUBLIC, model_id="demo", document=document
    )
    response = APIClient().get(f"/api/graphs/{graph.pk}/data/")
    served = json.loads(b"".join(response.streaming_content))
    assert served == document  # the fallback comes from the labels endpoint, not a rewrite
