"""Our generated graphs carry the default explanation in each feature node's `clerp`: when the
job stores them, and, for the demo graphs stored before the explanations, through
`explain_offline` (idempotent)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from graphs.features.models import Feature, PublicFeatureSet
from graphs.generation.demo_tasks import DEMO_USERNAME
from graphs.generation.models import GenerationJob
from graphs.generation.services.job_graphs import store_job_graph
from graphs.models import Graph, Source, Visibility
from graphs.storage import open_body_json
from graphs.testing import FEATURE_INDEX_BASE, build_graph_document
from tests.factories import GraphFactory, UserFactory

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]


def stored(graph: Graph) -> dict:
    with open_body_json(graph.body_key) as body:
        return json.load(body)


def clerps(document: dict) -> dict[str, str]:
    return {
        n["node_id"]: n["clerp"] for n in document["nodes"] if "transcoder" in n["feature_type"]
    }


def test_a_job_stores_its_graph_with_our_labels(cast):
    Explanation.objects.create(
        model_id="demo",
        source_set="demo",
        layer=0,
        index=FEATURE_INDEX_BASE + 2,
        description="say Austin",
        method=methods.OFFLINE,
    )
    job = GenerationJob.objects.create(
        owner=cast.owner,
        model_id="demo",
        prompt="The cat sat",
        slug="cat",
        visibility=Visibility.PRIVATE,
        request_key="k",
    )
    graph = store_job_graph(job, build_graph_document(scan="demo"))
    labels = clerps(stored(graph))
    assert labels[f"0_{FEATURE_INDEX_BASE + 2}_1"] == "say Austin"
    assert {v for k, v in labels.items() if not k.startswith(f"0_{FEATURE_INDEX_BASE + 2}_")} == {
        ""
    }


def _dashboard(token: str) -> dict:
    acts = [0.0, 4.0, 0.0]
    return {
        "examples_quantiles": [
            {
                "quantile_name": "Top activations",
                "examples": [{"tokens": ["in", token, "."], "tokens_acts_list": acts}] * 3,
            }
        ],
        "top_logits": ["x", "y", "z"],
        "bottom_logits": [],
    }


def test_explain_offline_labels_every_public_feature_and_the_demo_graphs(capsys):
    PublicFeatureSet.objects.create(model_id="demo", source_set="demo", n_features=3, digest="d")
    for i, token in enumerate([" Texas", " Dallas", " Austin"]):
        Feature.objects.create(
            model_id="demo",
            source_set="demo",
            layer=0,
            index=FEATURE_INDEX_BASE + 2 + i,
            dashboard=_dashboard(token),
        )
    demo_user = UserFactory(username=DEMO_USERNAME)
    demo = GraphFactory(
        owner=demo_user,
        model_id="demo",
        source=Source.GENERATED,
        document=build_graph_document(scan="demo"),
    )
    someone = GraphFactory(
        model_id="demo", source=Source.GENERATED, document=build_graph_document(scan="demo")
    )
    old_key, untouched_key = demo.body_key, someone.body_key

    call_command("explain_offline")
    assert "offline explanations for 3 features (demo/demo: 3), 3 new" in capsys.readouterr().out
    texts = dict(
        Explanation.objects.filter(method=methods.OFFLINE).values_list("index", "description")
    )
    assert texts == {
        FEATURE_INDEX_BASE + 2: "Texas",
        FEATURE_INDEX_BASE + 3: "Dallas",
        FEATURE_INDEX_BASE + 4: "Austin",
    }
    demo.refresh_from_db()
    assert demo.body_key != old_key
    labels = clerps(stored(demo))
    assert labels[f"0_{FEATURE_INDEX_BASE + 2}_1"] == "Texas"
    assert labels[f"1_{FEATURE_INDEX_BASE + 3}_1"] == ""  # another layer: no explanation
    someone.refresh_from_db()
    assert someone.body_key == untouched_key  # only the demo user's graphs are rewritten

    ids = set(Explanation.objects.values_list("id", flat=True))
    call_command("explain_offline")
    assert "0 new; 0 demo graph node label(s) filled" in capsys.readouterr().out
    assert set(Explanation.objects.values_list("id", flat=True)) == ids
    demo.refresh_from_db()
    key = demo.body_key
    Feature.objects.filter(index=FEATURE_INDEX_BASE + 2).update(dashboard=_dashboard(" Ohio"))
    call_command("explain_offline")
    assert Explanation.objects.get(index=FEATURE_INDEX_BASE + 2).description == "Ohio"
    assert Explanation.objects.count() == 3
    demo.refresh_from_db()
    assert demo.body_key == key  # a clerp once written is the graph's own; it stays
