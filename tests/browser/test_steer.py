"""The graph page's Steer panel on a real demo-model graph: a supernode of the graph's Texas
features appears as one control; moving its slider and steering changes the continuation, and
the probabilities the page shows are exactly those the API returned for that request."""

from __future__ import annotations

import json
import urllib.parse
import uuid

import pytest

from graphs.generation import registry
from tests.browser.pages import graph_path
from tests.factories import GraphFactory
from tests.support.steering import DALLAS, state_features

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_graph(personas, settings):
    import torch

    from inference_worker.engine import ReplacementModel, load_model, load_transcoders, trace

    registry._load.cache_clear()
    settings.GENERATION_EMBEDDED = True
    settings.GENERATION_MODELS_FILE = None
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    torch.set_grad_enabled(True)
    document = trace("demo", "demo", DALLAS, settings={"slug": "dallas-steer"})
    model = load_model("demo")
    rm = ReplacementModel(model, load_transcoders("demo", model=model))
    austin = model.tokenizer.convert_tokens_to_ids(" Austin")
    texas, _ = state_features(rm, DALLAS, " Dallas", austin, " Texas")
    ids = {n["node_id"] for n in document["nodes"]}
    texas_ids = [
        f"{f.layer}_{f.index}_{f.pos}" for f in texas if f"{f.layer}_{f.index}_{f.pos}" in ids
    ]
    assert texas_ids, "no Texas feature of the graph survived pruning"
    graph = GraphFactory(
        owner=personas["owner"],
        document=document,
        slug="dallas-steer",
        model_id="demo",
        prompt=DALLAS,
    )
    yield graph, texas_ids
    registry._load.cache_clear()


def test_a_supernode_slider_steers_and_shows_the_apis_probabilities(
    open_page, personas, demo_graph, shot
):
    graph, texas_ids = demo_graph
    query = "?" + urllib.parse.urlencode({"supernodes": json.dumps([["texas", *texas_ids]])})
    page = open_page(graph_path(graph, query), personas["owner"])
    panel = page.locator("#ex-steer")
    sliders = panel.locator(".ex-steer-slider")
    assert sliders.count() == 1  # one control moves every member of the supernode
    page.fill("#ex-steer-tokens", "4")

    def steer():
        with page.expect_response(
            lambda r: r.url.endswith(f"/api/graphs/{graph.pk}/steer/")
        ) as info:
            panel.locator("#ex-steer-run").click()
        response = info.value
        assert response.status == 200
        page.wait_for_function("() => !document.querySelector('#ex-steer-run').disabled")
        return json.loads(response.request.post_data), response.json()

    request, unsteered = steer()
    assert request["interventions"] == []
    assert unsteered["steered"] == unsteered["default"]
    sliders.first.fill("-5")
    request, answer = steer()
    assert len(request["interventions"]) == len(texas_ids)
    assert {i["mode"] for i in request["interventions"]} == {"scale"}
    assert {i["value"] for i in request["interventions"]} == {-5}
    assert answer["steered"]["text"] != answer["default"]["text"]  # the continuation changed

    for side in ("default", "steered"):
        spans = panel.locator(f".ex-steer-col[data-side='{side}'] .ex-steer-token")
        tokens = answer[side]["tokens"]
        assert spans.count() == len(tokens)
        for i, token in enumerate(tokens):
            span = spans.nth(i)
            assert span.text_content() == token["text"]
            assert float(span.get_attribute("data-prob")) == token["prob"]
            title = span.get_attribute("title")
            assert f"{token['prob'] * 100:.2f}%" in title
            for alt in token["top"]:
                assert f"{alt['prob'] * 100:.2f}%" in title
    changed = panel.locator(".ex-steer-col[data-side='steered'] .ex-steer-changed")
    pairs = zip(answer["steered"]["tokens"], answer["default"]["tokens"], strict=True)
    differs = sum(a["token"] != b["token"] for a, b in pairs)
    assert changed.count() == differs > 0
    cells = panel.locator(".ex-steer-next td")
    shown = [float(cells.nth(k).get_attribute("data-prob")) for k in range(cells.count())]
    expected = [
        p
        for b, a in zip(
            answer["last_position"]["before"], answer["last_position"]["after"], strict=True
        )
        for p in (b["prob"], a["prob"])
    ]
    assert shown == expected
    assert page.evaluate("window.__explorer.steerLast().response") == answer
    shot(page, "steer-panel")
    assert not page.errors


def test_pinned_error_nodes_can_be_ablated_and_visitors_are_asked_to_sign_in(
    open_page, personas, demo_graph
):
    graph, _ = demo_graph
    graph.visibility = "public"
    graph.save()
    document_errors = [
        n["node_id"] for n in json.loads(page_json(graph))["nodes"] if "error" in n["feature_type"]
    ]
    error_id = document_errors[-1]
    page = open_page(graph_path(graph, "?pinnedIds=" + error_id), personas["outsider"])
    panel = page.locator("#ex-steer")
    panel.locator(".ex-steer-error").check()
    page.fill("#ex-steer-tokens", "0")
    with page.expect_response(lambda r: r.url.endswith(f"/api/graphs/{graph.pk}/steer/")) as info:
        panel.locator("#ex-steer-run").click()
    sent = json.loads(info.value.request.post_data)["interventions"]
    layer, _, pos = error_id.split("_")
    assert info.value.status == 200
    assert sent == [{"node": "error", "layer": int(layer), "position": int(pos), "mode": "ablate"}]
    anonymous = open_page(graph_path(graph))
    assert "Sign in" in anonymous.text_content("#ex-steer")
    assert anonymous.locator("#ex-steer-run").count() == 0


def page_json(graph) -> str:
    from graphs.storage import open_body_json

    with open_body_json(graph.body_key) as body:
        return body.read().decode()
