"""The link graph renders exactly the nodes the influence rule selects, each inside its layer
band and token column, and the slider re-prunes."""

from __future__ import annotations

import pytest

from tests.browser.pages import graph_path
from tests.browser.reference import visible_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def band_of(node: dict, n_bands: int) -> int:
    if node["feature_type"] == "embedding":
        return 0
    if node["feature_type"] == "logit":
        return n_bands - 1
    return int(node["layer"]) + 1


def test_it_renders_the_nodes_selected_by_influence(
    open_page, store_graph, real_graph, personas, shot
):
    graph = store_graph(real_graph)
    page = open_page(graph_path(graph), personas["owner"])
    shown = set(page.evaluate("window.__explorer.visibleNodeIds()"))
    assert shown == visible_ids(real_graph, real_graph["metadata"]["node_threshold"])
    assert page.input_value("#ex-threshold") == "0.8"

    # A lower threshold prunes more; embeddings and logits stay.
    page.fill("#ex-threshold", "0.4")
    page.dispatch_event("#ex-threshold", "input")
    shown_low = set(page.evaluate("window.__explorer.visibleNodeIds()"))
    expected_low = visible_ids(real_graph, 0.4)
    assert shown_low == expected_low
    assert len(expected_low) < len(shown)
    assert "pruningThreshold=0.4" in page.url
    shot(page, "render-threshold-0.4")
    assert page.errors == []


def test_every_node_lies_in_its_band_and_column(open_page, store_graph, real_graph, personas, shot):
    graph = store_graph(real_graph)
    page = open_page(graph_path(graph), personas["owner"])
    layout = page.evaluate("window.__explorer.layout()")
    positions = page.evaluate("window.__explorer.positions()")
    n_bands = page.evaluate("window.__explorer.model.nBands")
    bands = {b["band"]: b for b in layout["bands"]}
    columns = {c["ctx"]: c for c in layout["columns"]}
    by_id = {n["node_id"]: n for n in real_graph["nodes"]}
    # Embeddings at the bottom (largest y), logits on top.
    assert bands[0]["y0"] > bands[n_bands - 1]["y0"]
    for node_id, p in positions.items():
        node = by_id[node_id]
        band = bands[band_of(node, n_bands)]
        col = columns[node["ctx_idx"]]
        assert band["y0"] <= p["y"] <= band["y1"], node_id
        assert col["x0"] <= p["x"] <= col["x1"], node_id
    shot(page, "render-layout")
