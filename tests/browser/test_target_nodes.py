"""A graph of the demo model for the logit difference " Austin" - " Dallas": valid against the
Neuronpedia schema and our validator, and shown by the explorer with its target node labelled
"Austin - Dallas" (minus sign), the targets named in the graph info, and its scores computed."""

from __future__ import annotations

import json

import jsonschema
import pytest
from playwright.sync_api import expect

from graphs.validation.validator import validate_graph_document
from inference_worker.engine import trace
from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROMPT = "The capital of the state containing Dallas is"


@pytest.fixture(scope="module")
def diff_graph() -> dict:
    return trace("demo", None, PROMPT, settings={"logit_diff": [" Austin", " Dallas"]})


def test_the_graph_is_valid_for_neuronpedia_and_for_us(diff_graph, shared_dir):
    schema = json.loads((shared_dir / "schemas" / "graph-schema.json").read_text())
    jsonschema.validate(json.loads(json.dumps(diff_graph)), schema)
    report = validate_graph_document(diff_graph)
    assert report.ok, report.problems
    assert report.feature_types["logit"] == 1


def test_the_explorer_shows_the_target_node_and_what_it_explains(
    open_page, store_graph, personas, diff_graph
):
    (target,) = [n for n in diff_graph["nodes"] if n["feature_type"] == "logit"]
    graph = store_graph(diff_graph)
    page = open_page(graph_path(graph), personas["owner"])
    assert target["node_id"] in page.evaluate("window.__explorer.visibleNodeIds()")
    label = page.evaluate("id => window.__explorer.label(id)", target["node_id"])
    assert "Austin \N{MINUS SIGN} Dallas" in label
    # The label drawn above the node names both tokens whole, never cut after "Dall".
    (drawn,) = page.evaluate("window.__explorer.logitLabels()")
    assert drawn["text"] == "Austin \N{MINUS SIGN} Dallas"
    info = page.locator("#ex-info")
    expect(info).to_contain_text('the logit difference " Austin" \N{MINUS SIGN} " Dallas"')
    expect(info.locator("[data-score=view-replacement]")).not_to_have_text("computing…")
    assert "[object Object]" not in info.inner_text()
    assert page.errors == []
