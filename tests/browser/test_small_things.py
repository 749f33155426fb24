"""What a user sees up close: a logit's hover card holds only facts (no literal `null`); the
subgraph panel keeps the nodes of one token column apart, with edge weights clear of every node
and label; labels are shown whole, not cut at 16 characters."""

from __future__ import annotations

import itertools
import json
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MJ = "fact_michael_jordan_202510262027-20251026-022811.json"


@pytest.fixture
def jordan(shared_dir: Path) -> dict[str, Any]:
    return json.loads((shared_dir / "fixtures" / "neuronpedia-graphs" / MJ).read_text())


def test_a_logits_hover_card_has_no_null(open_page, store_graph, jordan, personas):
    graph = store_graph(jordan)
    page = open_page(graph_path(graph), personas["owner"], viewport=(1440, 900))
    logit = max(
        (n for n in jordan["nodes"] if n["feature_type"] == "logit"), key=lambda n: n["token_prob"]
    )
    p = page.evaluate(f"window.__explorer.clientPoint({logit['node_id']!r})")
    page.mouse.move(p["x"], p["y"])
    card = page.locator(".ex-tooltip")
    card.wait_for(state="visible")
    text = card.inner_text()
    assert "null" not in text and "undefined" not in text
    assert f"probability {logit['token_prob']:.4f}" in text
    assert 'Output " basketball"' in text


SVG_BOXES_JS = """() => {
  const svg = document.querySelector('#ex-subgraph svg');
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const nodes = [...svg.querySelectorAll('.ex-sg-node')].map((g) => ({
    key: g.dataset.key,
    shape: box(g.querySelector('circle, rect')),
    label: box(g.querySelector('text')),
    text: [...g.querySelectorAll('text tspan')].map((t) => t.textContent).join(' ') || g.querySelector('text').textContent,
  }));
  const edges = [...svg.querySelectorAll('.ex-sg-edge')].map((g) => {
    const l = g.querySelector('line');
    const m = l.getScreenCTM();
    const pt = (x, y) => { const p = svg.createSVGPoint(); p.x = x; p.y = y; const q = p.matrixTransform(m); return [q.x, q.y]; };
    return {a: g.dataset.a, b: g.dataset.b,
            p1: pt(+l.getAttribute('x1'), +l.getAttribute('y1')),
            p2: pt(+l.getAttribute('x2'), +l.getAttribute('y2')),
            weight: box(g.querySelector('text'))};
  });
  return {nodes, edges};
}"""


def overlap(a, b, margin: float = 0.0) -> bool:
    return (
        a[0] < b[2] - margin
        and b[0] < a[2] - margin
        and a[1] < b[3] - margin
        and b[1] < a[3] - margin
    )


def segment_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1.0)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def test_subgraph_nodes_of_one_column_stay_apart_with_whole_labels(
    open_page, store_graph, jordan, personas, shot
):
    graph = store_graph(jordan)
    by_id = {n["node_id"]: n for n in jordan["nodes"]}
    # One feature per layer in the last token's column, the most important of each, plus the
    # top logit: a chain whose edges would run through the nodes between them.
    column = {}
    for n in sorted(jordan["nodes"], key=lambda n: n["influence"] or 1):
        if n["feature_type"] == "cross layer transcoder" and n["ctx_idx"] == 8:
            column.setdefault(n["layer"], n["node_id"])
    pinned = [column[layer] for layer in sorted(column, key=int)][:7]
    top_logit = max(
        (n for n in jordan["nodes"] if n["feature_type"] == "logit"), key=lambda n: n["token_prob"]
    )
    pinned.append(top_logit["node_id"])
    long_label = "sports played professionally in the US (basketball, baseball)"
    query = "?" + urllib.parse.urlencode(
        {"pinnedIds": ",".join(pinned), "clerps": json.dumps([[pinned[2], long_label]])}
    )
    page = open_page(graph_path(graph, query), personas["owner"], viewport=(1440, 900))
    page.locator("#ex-subgraph").scroll_into_view_if_needed()
    drawn = page.evaluate(SVG_BOXES_JS)
    nodes = {n["key"]: n for n in drawn["nodes"]}
    assert set(nodes) == set(pinned)
    assert drawn["edges"], "the chain's links are drawn"

    # Labels are whole: the long one reads in full, the logit's too.
    assert nodes[pinned[2]]["text"].replace(" ", "") == long_label.replace(" ", "")
    assert nodes[top_logit["node_id"]]["text"].replace(" ", "") == top_logit["clerp"].replace(
        " ", ""
    )

    # No two nodes or labels overlap.
    for a, b in itertools.combinations(nodes.values(), 2):
        assert not overlap(a["shape"], b["shape"]), (a["key"], b["key"])
        assert not overlap(a["label"], b["label"], 0.5), (a["key"], b["key"])
        assert not overlap(a["shape"], b["label"], 0.5), (a["key"], b["key"])
        assert not overlap(a["label"], b["shape"], 0.5), (a["key"], b["key"])

    def centre(box):
        return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)

    for e in drawn["edges"]:
        # An edge passes through no node other than its ends.
        for key, n in nodes.items():
            if key in (e["a"], e["b"]):
                continue
            radius = (n["shape"][2] - n["shape"][0]) / 2
            assert segment_distance(centre(n["shape"]), e["p1"], e["p2"]) > radius, (
                f"edge {e['a']} -> {e['b']} runs through {key}"
            )
        # Its weight sits clear of every node and every label.
        for n in nodes.values():
            assert not overlap(e["weight"], n["shape"], 0.5), (e["a"], e["b"], n["key"])
            assert not overlap(e["weight"], n["label"], 0.5), (e["a"], e["b"], n["key"])
    assert by_id[pinned[0]]["ctx_idx"] == by_id[pinned[-2]]["ctx_idx"] == 8
    shot(page, "subgraph-one-column")
    assert page.errors == []


NAV_ROWS_JS = """() => [...document.querySelectorAll('.nav > *')]
  .filter((e) => e.getBoundingClientRect().width > 0 && e.textContent.trim())
  .map((e) => [e.textContent.trim(), Math.round(e.getBoundingClientRect().top)])"""


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_signed_in_nav_bar_stays_on_one_line(open_page, personas, width):
    """Every link of a staff member's nav bar, "Log out" last, on one row at desktop widths."""
    staff = personas["owner"]
    staff.username = "a-rather-long-username"
    staff.is_staff = True
    staff.save()
    page = open_page("/graphs/public/", staff, wait_ready=False, viewport=(width, 900))
    items = page.evaluate(NAV_ROWS_JS)
    names = [name for name, _ in items]
    assert "Log out" in names and "Admin" in names and "a-rather-long-username" in names
    tops = {top for _, top in items}
    assert len(tops) == 1, f"the nav bar wraps at {width} px: {items}"
