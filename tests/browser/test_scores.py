"""Graph and subgraph replacement/completeness scores shown by the page (computed in a Web Worker)
equal the engine's definition computed in Python for the same node set."""

from __future__ import annotations

import pytest

from tests.browser.pages import graph_path
from tests.browser.reference import scores

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_graph_and_subgraph_scores_match_python(open_page, store_graph, real_graph, personas, shot):
    graph = store_graph(real_graph)
    features = [
        n["node_id"] for n in real_graph["nodes"] if n["feature_type"] == "cross layer transcoder"
    ]
    pinned = features[:12]
    page = open_page(graph_path(graph, "?pinnedIds=" + ",".join(pinned)), personas["owner"])
    page.wait_for_function(
        "window.__explorer.scores().graph && window.__explorer.scores().subgraph"
    )
    shown = page.evaluate("window.__explorer.scores()")
    rep, comp = scores(real_graph)
    sub_rep, sub_comp = scores(real_graph, kept=set(pinned))
    assert shown["graph"]["replacement"] == pytest.approx(rep, rel=1e-9)
    assert shown["graph"]["completeness"] == pytest.approx(comp, rel=1e-9)
    assert shown["subgraph"]["replacement"] == pytest.approx(sub_rep, rel=1e-9)
    assert shown["subgraph"]["completeness"] == pytest.approx(sub_comp, rel=1e-9)
    # The subgraph explains less than the whole graph, and the panel shows the figures.
    assert sub_comp < comp
    assert page.text_content('[data-score="graph-replacement"]') == f"{rep:.4f}"
    assert page.text_content('[data-score="subgraph-completeness"]') == f"{sub_comp:.4f}"
    shot(page, "scores")
