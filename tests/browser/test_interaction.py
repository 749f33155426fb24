"""Hover and click: tooltip, connections panel with the right neighbours, deselect on empty
space, and rows of the panel acting on their node."""

from __future__ import annotations

import pytest

from tests.browser.pages import graph_path
from tests.browser.reference import neighbours, visible_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def listed(page, which: str) -> list[str]:
    return page.eval_on_selector_all(
        f'#ex-connections [data-list="{which}"] li', "rows => rows.map(r => r.dataset.nodeId)"
    )


def weights(page, which: str) -> list[float]:
    return [
        float(t)
        for t in page.eval_on_selector_all(
            f'#ex-connections [data-list="{which}"] .ex-w', "ws => ws.map(w => w.textContent)"
        )
    ]


def busiest_feature(graph: dict) -> str:
    degree: dict[str, int] = {}
    for lk in graph["links"]:
        degree[lk["target"]] = degree.get(lk["target"], 0) + 1
        degree[lk["source"]] = degree.get(lk["source"], 0) + 1
    features = [
        n["node_id"] for n in graph["nodes"] if n["feature_type"] == "cross layer transcoder"
    ]
    return max(features, key=lambda i: degree.get(i, 0))


def test_hover_then_click_lists_the_neighbours(open_page, store_graph, real_graph, personas, shot):
    graph = store_graph(real_graph)
    page = open_page(graph_path(graph), personas["owner"])
    visible = visible_ids(real_graph, 0.8)
    target = busiest_feature(real_graph)
    inputs, outputs = neighbours(real_graph, target, visible)
    assert inputs and outputs

    p = page.evaluate(f"window.__explorer.clientPoint({target!r})")
    page.mouse.move(p["x"], p["y"])
    assert page.evaluate("window.__explorer.selection().hoveredId") == target
    assert page.is_visible(".ex-tooltip")
    assert "layer" in page.text_content(".ex-tooltip")
    assert set(listed(page, "inputs")) == inputs
    assert set(listed(page, "outputs")) == outputs
    w_in = weights(page, "inputs")
    assert w_in == sorted(w_in, reverse=True)

    page.mouse.click(p["x"], p["y"])
    assert page.evaluate("window.__explorer.selection().clickedId") == target
    page.mouse.move(5, 5)  # leaving the node keeps the clicked node's connections
    assert set(listed(page, "inputs")) == inputs
    assert "clickedId=" in page.url
    shot(page, "connections-clicked")

    # A row acts on its node: clicking it selects that node.
    other = listed(page, "outputs")[0]
    page.click(f'#ex-connections [data-list="outputs"] li[data-node-id="{other}"]')
    assert page.evaluate("window.__explorer.selection().clickedId") == other

    # Empty space (the margin above the bands, inside the visible part of the graph) deselects.
    page.locator("#ex-graph").scroll_into_view_if_needed()
    rect = page.eval_on_selector("#ex-graph", "s => s.getBoundingClientRect().toJSON()")
    page.mouse.click(rect["x"] + 30, rect["y"] + 10)
    assert page.evaluate("window.__explorer.selection().clickedId") is None
    assert page.errors == []


def test_feature_details_degrade_to_no_details(open_page, store_graph, real_graph, personas):
    graph = store_graph(real_graph)
    page = open_page(graph_path(graph), personas["owner"])
    target = busiest_feature(real_graph)
    p = page.evaluate(f"window.__explorer.clientPoint({target!r})")
    page.mouse.click(p["x"], p["y"])
    page.wait_for_selector("#ex-details .ex-nodetails")
    assert "No details" in page.text_content("#ex-details")
