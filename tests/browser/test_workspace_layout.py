"""The graph page is a workspace: on the real 26-layer Neuronpedia graphs the link graph fills the
first screen and fits its box (no horizontal scrolling, every node inside, logit labels that never
overlap), at desktop, laptop and phone widths; prompts of up to 64 tokens still fit at 1440 px."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from graphs.testing import build_graph_document
from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REAL_GRAPHS = [
    "fact_michael_jordan_202510262027-20251026-022811.json",
    "clt-hp-the-capital-of-201020250035-20251020-003525.json",
    "the-opposite-of-20251026-175335.json",
]

BOX_JS = """() => {
  const r = document.querySelector('#ex-graph').getBoundingClientRect();
  const s = document.querySelector('#ex-graph .ex-stage').getBoundingClientRect();
  const g = document.querySelector('#ex-graph');
  return {box: {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
          stage: {left: s.left, top: s.top},
          scrollWidth: g.scrollWidth, clientWidth: g.clientWidth,
          pageWidth: document.scrollingElement.scrollWidth};
}"""

# Each label's width measured here, with the font the explorer says it drew with.
MEASURE_JS = """(labels) => {
  const c = document.createElement('canvas').getContext('2d');
  return labels.map((l) => { c.font = l.font; return c.measureText(l.text).width; });
}"""


def load(shared_dir: Path, name: str) -> dict[str, Any]:
    return json.loads((shared_dir / "fixtures" / "neuronpedia-graphs" / name).read_text())


def corners(label: dict, width: float) -> list[tuple[float, float]]:
    """The label's box: `width` along the text from its anchor, `h` across it, rotated."""
    import math

    c, s = math.cos(label["angle"]), math.sin(label["angle"])
    h = label["h"] / 2
    out = []
    for u, v in ((0, -h), (width, -h), (width, h), (0, h)):
        out.append((label["ax"] + u * c - v * s, label["ay"] + u * s + v * c))
    return out


def separated(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    """Separating-axis test for two convex quadrilaterals (touching counts as separated)."""
    for poly in (a, b):
        for (x1, y1), (x2, y2) in itertools.pairwise([*poly, poly[0]]):
            nx, ny = y1 - y2, x2 - x1
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) + 1e-6 or max(pb) <= min(pa) + 1e-6:
                return True
    return False


SETTLED_JS = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
  () => done(JSON.stringify([window.__explorer.layout(), window.__explorer.positions()])))))"""


def settle(page: Any, tries: int = 20) -> None:
    """Wait until the explorer's layout is the same two frames apart: a first measure can land
    between the page's load and its first resize on a busy machine."""
    last = None
    for _ in range(tries):
        now = page.evaluate(SETTLED_JS)
        if now == last:
            return
        last = now


def check_fits(page: Any, graph: dict[str, Any], *, first_screen: int, scroll_ok: bool = False):
    settle(page)
    geo = page.evaluate(BOX_JS)
    box, stage = geo["box"], geo["stage"]
    # Nothing of the page scrolls sideways; the graph's box is on the first screen.
    assert geo["pageWidth"] <= page.viewport_size["width"]
    assert box["top"] >= 0 and box["bottom"] <= first_screen, box
    if not scroll_ok:
        assert geo["scrollWidth"] <= geo["clientWidth"], "the link graph scrolls horizontally"
    positions = page.evaluate("window.__explorer.positions()")
    radius = page.evaluate("window.__explorer.layout().radius")
    logits = {n["node_id"] for n in graph["nodes"] if n["feature_type"] == "logit"}
    assert logits <= set(positions)
    for node_id, p in positions.items():
        x, y = stage["left"] + p["x"], stage["top"] + p["y"]
        assert box["top"] + radius <= y <= box["bottom"] - radius, node_id
        if not scroll_ok:
            assert box["left"] + radius <= x <= box["right"] - radius, node_id
    labels = page.evaluate("window.__explorer.logitLabels()")
    assert {label["id"] for label in labels} == logits
    widths = page.evaluate(MEASURE_JS, labels)
    # Inside the drawing, which is the box unless it may scroll.
    right = (
        box["right"]
        if not scroll_ok
        else stage["left"] + page.evaluate("window.__explorer.layout().width")
    )
    boxes = []
    for label, measured in zip(labels, widths, strict=True):
        assert label["w"] >= measured  # the box covers the text as measured here
        quad = corners(label, label["w"])
        boxes.append(quad)
        for x, y in quad:
            assert y >= 0 and stage["left"] + x <= right + 0.5, label["text"]
    for (i, a), (j, b) in itertools.combinations(enumerate(boxes), 2):
        assert separated(a, b), (
            f"logit labels {labels[i]['text']!r} and {labels[j]['text']!r} overlap"
        )


@pytest.mark.parametrize("name", REAL_GRAPHS)
def test_real_graphs_fit_the_first_screen_at_1440(
    name, open_page, store_graph, shared_dir, personas, shot
):
    document = load(shared_dir, name)
    graph = store_graph(document)
    page = open_page(graph_path(graph), personas["owner"], viewport=(1440, 900))
    check_fits(page, document, first_screen=900)
    # The node connections panel starts on the first screen too, beside the graph.
    conn = page.evaluate(
        "document.querySelector('#ex-connections').getBoundingClientRect().toJSON()"
    )
    assert conn["top"] < 400 and conn["left"] > page.evaluate(BOX_JS)["box"]["right"]
    shot(page, f"workspace-1440-{name[:20]}")
    assert page.errors == []


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (390, 844)])
def test_the_workspace_is_usable_on_laptops_and_phones(
    width, height, open_page, store_graph, shared_dir, personas, shot
):
    document = load(shared_dir, REAL_GRAPHS[0])
    graph = store_graph(document)
    page = open_page(graph_path(graph), personas["owner"], viewport=(width, height))
    check_fits(page, document, first_screen=max(height, 900))
    shot(page, f"workspace-{width}")
    # Clicking a node still selects it and lists its connections.
    node_id = next(n["node_id"] for n in document["nodes"] if n["feature_type"] == "logit")
    point = page.evaluate(f"window.__explorer.clientPoint({node_id!r})")
    page.mouse.click(point["x"], point["y"])
    assert page.evaluate("window.__explorer.selection().clickedId") == node_id
    assert page.locator("#ex-connections .ex-conn-title").text_content()
    assert page.errors == []


def test_a_64_token_prompt_fits_at_1440_and_scrolls_on_a_phone(
    open_page, store_graph, personas, shot
):
    tokens = ["<bos>"] + [f" w{k}" for k in range(63)]
    document = build_graph_document(
        n_layers=26,
        features_per_layer_and_pos=3,
        prompt_tokens=tokens,
        n_logits=10,
        links_per_node=2,
        slug="long-prompt",
    )
    for node in document["nodes"]:  # every node drawn
        node["influence"] = 0.1 if node["influence"] is not None else None
    graph = store_graph(document)
    page = open_page(graph_path(graph), personas["owner"], viewport=(1440, 900))
    check_fits(page, document, first_screen=900)
    shot(page, "workspace-64-tokens")
    phone = open_page(graph_path(graph), personas["owner"], viewport=(390, 844))
    check_fits(phone, document, first_screen=900, scroll_ok=True)
    assert phone.evaluate("document.querySelector('#ex-graph').scrollWidth") > 390


def test_metadata_is_in_the_graph_info_panel_and_generation_is_a_link(
    open_page, store_graph, shared_dir, personas
):
    document = load(shared_dir, REAL_GRAPHS[0])
    graph = store_graph(document)
    page = open_page(graph_path(graph), personas["owner"], viewport=(1440, 900))
    info = page.locator("#ex-info-panel")
    for text in (graph.slug, graph.model_id, personas["owner"].username, "Download as uploaded"):
        assert text in info.text_content()
    assert page.locator("dl.meta").count() == 0  # no metadata card above the explorer
    assert page.locator("form.generate-form").count() == 0
    link = page.locator("#cs-generate-link")
    assert link.get_attribute("href") == "/#generate"
    link.click()
    page.wait_for_url("**/#generate")
    assert page.locator("#generate").count() == 1


def test_resizing_the_window_lays_the_graph_out_again(open_page, store_graph, shared_dir, personas):
    document = load(shared_dir, REAL_GRAPHS[0])
    graph = store_graph(document)
    page = open_page(graph_path(graph), personas["owner"], viewport=(1440, 900))
    wide = page.evaluate("window.__explorer.layout().width")
    page.set_viewport_size({"width": 900, "height": 768})
    page.wait_for_function(
        f"window.__explorer.layout().width !== {wide} && window.__explorer.layout().width"
        " <= document.querySelector('#ex-graph').clientWidth"
    )
    check_fits(page, document, first_screen=900)
    assert page.errors == []
