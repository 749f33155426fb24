"""The Graph info panel's scores, each with one meaning: the full graph's, as the generator
recorded them in the metadata; the current view's (the features drawn at the slider's threshold,
hidden features counted as error nodes) and the pinned subgraph's, computed by the page in a Web
Worker. The page's figures equal an independent Python computation of circuit-tracer's
definitions (tests/browser/reference.py) for the same node sets."""

from __future__ import annotations

import pytest

from tests.browser.pages import graph_path
from tests.browser.reference import kind, scores, visible_ids
from tests.factories import GraphFactory
from tests.support.steering import DALLAS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def features_in(graph: dict, ids: set[str]) -> set[str]:
    return {n["node_id"] for n in graph["nodes"] if kind(n) == "feature" and n["node_id"] in ids}


def shown_cells(page, key: str) -> tuple[str, str]:
    return (
        page.text_content(f'[data-score="{key}-replacement"]'),
        page.text_content(f'[data-score="{key}-completeness"]'),
    )


def wait_scores(page) -> dict:
    page.wait_for_function(
        "(() => { const s = window.__explorer.scores(); return s.view && (!window.__explorer.pinned().length || s.subgraph); })()"
    )
    return page.evaluate("window.__explorer.scores()")


def test_view_and_subgraph_scores_match_python(open_page, store_graph, real_graph, personas, shot):
    graph = store_graph(real_graph)
    features = [n["node_id"] for n in real_graph["nodes"] if kind(n) == "feature"]
    pinned = features[:12]
    page = open_page(graph_path(graph, "?pinnedIds=" + ",".join(pinned)), personas["owner"])
    shown = wait_scores(page)

    view = features_in(real_graph, visible_ids(real_graph, 0.8, pinned))
    rep, comp = scores(real_graph, kept=view)
    sub_rep, sub_comp = scores(real_graph, kept=set(pinned))
    assert shown["view"]["replacement"] == pytest.approx(rep, rel=1e-9)
    assert shown["view"]["completeness"] == pytest.approx(comp, rel=1e-9)
    assert shown["subgraph"]["replacement"] == pytest.approx(sub_rep, rel=1e-9)
    assert shown["subgraph"]["completeness"] == pytest.approx(sub_comp, rel=1e-9)
    assert sub_comp < comp  # the subgraph explains less than the view
    assert shown_cells(page, "view") == (f"{rep:.4f}", f"{comp:.4f}")
    assert shown_cells(page, "subgraph") == (f"{sub_rep:.4f}", f"{sub_comp:.4f}")
    info = page.text_content("#ex-info")
    assert f"This view (threshold 0.80, {len(view)} of {len(features)} features)" in info
    assert "Pinned subgraph (12 nodes)" in info
    # A Neuronpedia graph carries no generation scores: the panel says so instead of a number.
    assert page.locator('[data-score="full-missing"]').count() == 1

    # Moving the slider re-scores the view: fewer features drawn, more counted as error.
    page.fill("#ex-threshold", "0.4")
    page.dispatch_event("#ex-threshold", "input")
    view_low = features_in(real_graph, visible_ids(real_graph, 0.4, pinned))
    low = scores(real_graph, kept=view_low)
    page.wait_for_function(
        f"(() => {{ const v = window.__explorer.scores().view; return v && Math.abs(v.replacement - {low[0]!r}) < 1e-9; }})()"
    )
    shown = page.evaluate("window.__explorer.scores()")
    assert shown["view"]["completeness"] == pytest.approx(low[1], rel=1e-9)
    assert len(view_low) < len(view) and low[1] < comp
    assert f"This view (threshold 0.40, {len(view_low)} of {len(features)} features)" in (
        page.text_content("#ex-info")
    )
    shot(page, "scores")
    assert page.errors == []


@pytest.fixture
def traced_dallas(personas):
    import torch

    from inference_worker.engine import trace

    torch.set_grad_enabled(True)
    document = trace("demo", "demo", DALLAS, settings={"slug": "dallas-scores"})
    # The same graph unpruned (every node, every edge kept), for an independent check of the
    # scores the engine records for the full graph.
    unpruned = trace(
        "demo",
        "demo",
        DALLAS,
        settings={"slug": "dallas-full", "node_threshold": 1.0, "edge_threshold": 1.0},
    )
    graph = GraphFactory(
        owner=personas["owner"],
        document=document,
        slug="dallas-scores",
        model_id="demo",
        prompt=DALLAS,
    )
    return graph, document, unpruned


def test_the_full_graphs_scores_are_those_recorded_at_generation(
    open_page, traced_dallas, personas
):
    graph, document, unpruned = traced_dallas
    info = document["metadata"]["info"]
    # What the engine recorded is the full graph's score by the definitions, computed here in
    # closed form on the unpruned export (float32 attribution: 1e-5).
    full = scores(unpruned)
    assert full == pytest.approx((info["replacement_score"], info["completeness_score"]), rel=1e-5)
    page = open_page(graph_path(graph), personas["owner"])
    shown = wait_scores(page)
    # The full graph: what the engine computed on the unpruned graph, as recorded.
    assert shown_cells(page, "full") == (
        f"{info['replacement_score']:.4f}",
        f"{info['completeness_score']:.4f}",
    )
    assert "Full graph (at generation)" in page.text_content("#ex-info")
    # The view at the generation's own threshold: computed from the stored (pruned) links, so it
    # differs from the full graph's, and equals the independent computation.
    view = features_in(document, visible_ids(document, document["metadata"]["node_threshold"]))
    rep, comp = scores(document, kept=view)
    assert shown["view"]["replacement"] == pytest.approx(rep, rel=1e-9)
    assert shown["view"]["completeness"] == pytest.approx(comp, rel=1e-9)
    assert round(rep, 4) != round(info["replacement_score"], 4)
    assert page.errors == []
