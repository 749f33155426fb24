"""User text is rendered as text: a label, prompt token or title that looks like HTML shows
literally and runs nothing."""

from __future__ import annotations

import copy

import pytest

from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS = "<img src=x onerror=alert(1)>"


def test_an_html_label_stays_inert(open_page, store_graph, synthetic_graph, personas, shot):
    doc = copy.deepcopy(synthetic_graph)
    target = next(n for n in doc["nodes"] if n["feature_type"] == "cross layer transcoder")
    target["clerp"] = XSS
    target["influence"] = 0.01
    doc["metadata"]["prompt_tokens"][1] = XSS
    graph = store_graph(doc)
    page = open_page(
        graph_path(graph, f"?clerps=[[%22{target['node_id']}%22,%22%3Cb%3Ebold%3C/b%3E%22]]"),
        personas["owner"],
    )
    node_id = target["node_id"]
    p = page.evaluate(f"window.__explorer.clientPoint({node_id!r})")
    page.mouse.click(p["x"], p["y"])
    assert page.text_content("#ex-selected .ex-sel-label") == "<b>bold</b>"
    page.click("#ex-selected .ex-label-revert")
    page.mouse.move(p["x"], p["y"])
    assert page.text_content("#ex-selected .ex-sel-label") == XSS
    assert XSS in page.text_content(".ex-tooltip")
    assert XSS in page.text_content("#ex-details")
    # The pinned node's label in the subgraph panel is SVG text, not markup.
    p = page.evaluate(f"window.__explorer.clientPoint({node_id!r})")
    page.keyboard.down("Control")
    page.mouse.click(p["x"], p["y"])
    page.keyboard.up("Control")
    assert page.evaluate("window.__explorer.pinned()") == [node_id]
    assert XSS in page.text_content("#ex-subgraph svg")
    assert page.locator("#cs-explorer img").count() == 0
    assert page.locator("#cs-explorer b").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert page.errors == []
    shot(page, "xss-inert")
