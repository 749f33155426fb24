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
    # The next token: each candidate's probabilities and the changes of its logit and log-prob.
    rows = panel.locator(".ex-steer-next tr[data-token]")
    changes = answer["last_position"]["changes"]
    assert rows.count() == len(changes) > 0
    for k, change in enumerate(changes):
        row = rows.nth(k)
        assert row.get_attribute("data-token") == str(change["token"])
        cells = {
            col: row.locator(f'td[data-col="{col}"]')
            for col in ("before", "after", "delta-logit", "delta-logprob")
        }
        assert float(cells["before"].get_attribute("data-prob")) == change["before"]["prob"]
        assert float(cells["after"].get_attribute("data-prob")) == change["after"]["prob"]
        assert cells["delta-logit"].text_content() == signed(change["delta_logit"])
        assert cells["delta-logprob"].text_content() == signed(change["delta_logprob"])
    austin = next(c for c in changes if c["text"] == " Austin")
    assert austin["delta_logit"] < 0 and austin["delta_logprob"] < 0
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


def signed(value: float) -> str:
    """The panel's format of a change: sign (a minus sign, U+2212), two decimals."""
    text = f"{abs(value):.2f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


def test_sliders_read_as_feature_labels_with_positions(open_page, personas, shared_dir):
    # A real graph, where one feature is active at several positions.
    name = "the-opposite-of-20251026-175335.json"
    document = json.loads((shared_dir / "fixtures" / "neuronpedia-graphs" / name).read_text())
    graph = GraphFactory(owner=personas["owner"], document=document, slug="opposite")
    features = [n for n in document["nodes"] if n["feature_type"] == "cross layer transcoder"]
    by_feature: dict[tuple[str, str], list[dict]] = {}
    for n in features:
        by_feature.setdefault((n["layer"], n["node_id"].split("_")[1]), []).append(n)
    twice = next(nodes for nodes in by_feature.values() if len(nodes) > 1)
    once = next(nodes[0] for nodes in by_feature.values() if len(nodes) == 1)
    pinned = [twice[0]["node_id"], twice[1]["node_id"], once["node_id"]]
    query = "?" + urllib.parse.urlencode(
        {"pinnedIds": ",".join(pinned), "clerps": json.dumps([[once["node_id"], "opposites"]])}
    )
    page = open_page(graph_path(graph, query), personas["owner"])
    names = page.locator("#ex-steer .ex-steer-name").all_text_contents()
    tokens = document["metadata"]["prompt_tokens"]
    layer, index = twice[0]["layer"], twice[0]["node_id"].split("_")[1]
    assert len(names) == 3
    for node in twice[:2]:  # one feature at two positions: each control says where
        ctx = node["ctx_idx"]
        assert f"L{layer}/{index} @{ctx} {json.dumps(tokens[ctx])}" in names
    assert "opposites" in names  # the label the user gave, no position needed
    assert page.errors == []


def page_json(graph) -> str:
    from graphs.storage import open_body_json

    with open_body_json(graph.body_key) as body:
        return body.read().decode()
