"""Feature details: Anthropic-format JSON from the graph's feature_json_base_url (served here by
Playwright's request routing, as the machine is offline), and the Neuronpedia link."""

from __future__ import annotations

import copy
import json
import time

import pytest

from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BASE = "https://features.example.org/demo/features"


def wait_until(page, expression: str, timeout_s: float = 20.0) -> None:
    """Poll `expression` with page.evaluate (wait_for_function uses eval, which the page's
    Content-Security-Policy forbids)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout_s} s: {expression}")
        time.sleep(0.1)


def test_details_come_from_the_feature_json_base_url(
    open_page, store_graph, real_graph, personas, shot, settings
):
    settings.FEATURE_JSON_HOSTS = ["features.example.org"]
    doc = copy.deepcopy(real_graph)
    doc["metadata"]["feature_details"] = {
        "feature_json_base_url": BASE,
        "neuronpedia_source_set": "clt-hp",
    }
    node = min(
        (n for n in doc["nodes"] if n["feature_type"] == "cross layer transcoder"),
        key=lambda n: n["influence"],
    )
    details = {
        "index": node["feature"],
        "top_logits": ["big", "large"],
        "bottom_logits": ["<tiny>"],
        "examples_quantiles": [
            {
                "quantile_name": "Top activations",
                "examples": [
                    {"tokens": ["The", " opposite", " of"], "tokens_acts_list": [0.0, 2.5, 0.5]},
                ],
            },
        ],
    }
    graph = store_graph(doc)
    page = open_page(graph_path(graph), personas["owner"], wait_ready=False)
    requested: list[str] = []

    def serve(route):
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(details))

    page.route(f"{BASE}/**", serve)
    page.wait_for_function("window.__explorer && window.__explorer.ready", timeout=20000)
    p = page.evaluate(f"window.__explorer.clientPoint({node['node_id']!r})")
    page.mouse.click(p["x"], p["y"])
    page.wait_for_selector("#ex-details .ex-example")
    assert requested == [f"{BASE}/{node['feature']}.json"]
    text = page.text_content("#ex-details")
    assert "big" in text and "<tiny>" in text
    spans = page.eval_on_selector_all(
        "#ex-details .ex-example span",
        "ss => ss.map(s => [s.textContent, s.style.backgroundColor])",
    )
    assert [s[0] for s in spans] == ["The", " opposite", " of"]
    assert (
        spans[0][1] == "" and spans[1][1] == "rgb(240, 130, 30)"
    )  # the strongest token: full colour
    assert spans[2][1] == "rgba(240, 130, 30, 0.2)"
    layer, index = node["node_id"].split("_")[:2]
    link = page.get_attribute("#ex-details a", "href")
    assert link == f"https://www.neuronpedia.org/gemma-2-2b/{layer}-clt-hp/{index}"
    shot(page, "feature-details")


def test_details_come_from_the_graphs_own_dashboards(
    open_page, store_graph, real_graph, personas, shot
):
    from graphs.features.models import Feature

    graph = store_graph(real_graph)
    feats = sorted(
        (n for n in real_graph["nodes"] if n["feature_type"] == "cross layer transcoder"),
        key=lambda n: n["influence"],
    )
    with_details, without = feats[0], feats[1]
    layer, index = (int(x) for x in with_details["node_id"].split("_")[:2])
    Feature.objects.create(
        graph=graph,
        owner=personas["owner"],
        model_id="gemma-2-2b",
        source_set="clt-hp",
        layer=layer,
        index=index,
        label="says small/large",
        dashboard={
            "index": index,
            "top_logits": ["large"],
            "bottom_logits": ["tiny"],
            "examples_quantiles": [
                {
                    "quantile_name": "Top",
                    "examples": [{"tokens": ["a", "b"], "tokens_acts_list": [1.0, 0.0]}],
                }
            ],
        },
    )
    page = open_page(graph_path(graph), personas["owner"])
    p = page.evaluate(f"window.__explorer.clientPoint({with_details['node_id']!r})")
    page.mouse.click(p["x"], p["y"])
    page.wait_for_selector("#ex-details .ex-example")
    assert page.text_content("#ex-details .ex-fd-desc") == "says small/large"
    assert "large" in page.text_content("#ex-details .ex-logits")
    q = page.evaluate(f"window.__explorer.clientPoint({without['node_id']!r})")
    page.mouse.click(q["x"], q["y"])
    page.wait_for_selector("#ex-details .ex-nodetails")
    shot(page, "feature-details-own")


def test_feature_json_from_a_host_off_the_list_is_never_fetched(
    open_page, store_graph, real_graph, personas, settings
):
    settings.FEATURE_JSON_HOSTS = ["www.neuronpedia.org"]
    doc = copy.deepcopy(real_graph)
    doc["metadata"]["feature_details"] = {"feature_json_base_url": BASE}
    node = next(n for n in doc["nodes"] if n["feature_type"] == "cross layer transcoder")
    graph = store_graph(doc)
    page = open_page(graph_path(graph), personas["owner"], wait_ready=False, enforce_csp=True)
    requested: list[str] = []

    def serve(route):
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body='{"label": "evil"}')

    page.route(f"{BASE}/**", serve)
    wait_until(page, "!!(window.__explorer && window.__explorer.ready)")
    # The page's policy names this site and the listed hosts only.
    policy = page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "connect-src 'self' https://www.neuronpedia.org;" in policy
    p = page.evaluate(f"window.__explorer.clientPoint({node['node_id']!r})")
    page.mouse.click(p["x"], p["y"])
    wait_until(page, "!!document.querySelector('#ex-details .ex-nodetails')")
    assert requested == []
    text = page.text_content("#ex-details")
    assert "features.example.org" in text and "does not fetch from" in text
    assert "evil" not in text
    # Even a script of the page that tried is stopped by the policy.
    blocked = page.evaluate(f"fetch({BASE + '/1.json'!r}).then(() => 'fetched', () => 'blocked')")
    assert blocked == "blocked" and requested == []
