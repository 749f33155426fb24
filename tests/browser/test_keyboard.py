"""Keyboard users reach the main controls with Tab."""

from __future__ import annotations

import pytest

from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_CONTROLS = ["ex-threshold", "ex-download", "ex-graph", "ex-group", "ex-save-name", "ex-save"]


def test_tab_reaches_the_main_controls(open_page, store_graph, synthetic_graph, personas):
    graph = store_graph(synthetic_graph)
    page = open_page(graph_path(graph), personas["owner"])
    reached: set[str] = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate(
            "(() => { const a = document.activeElement; return a ? [a.id, a.className] : ['', '']; })()"
        )
        reached.add(info[0])
        for cls in str(info[1]).split():
            reached.add(cls.replace("-btn", ""))
    missing = [c for c in MAIN_CONTROLS if c not in reached]
    assert missing == []

    # The slider works from the keyboard.
    page.focus("#ex-threshold")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("window.__explorer.threshold()") == pytest.approx(0.79)


def test_arrow_keys_walk_the_graph_and_enter_selects(open_page, store_graph, real_graph, personas):
    graph = store_graph(real_graph)
    page = open_page(graph_path(graph), personas["owner"])
    page.focus("#ex-graph")
    page.keyboard.press("ArrowRight")
    first = page.evaluate("window.__explorer.selection().hoveredId")
    assert first is not None
    page.keyboard.press("ArrowUp")
    above = page.evaluate("window.__explorer.selection().hoveredId")
    cells = page.evaluate("window.__explorer.nodeCells()")
    assert cells[above]["band"] > cells[first]["band"]
    page.keyboard.press("Enter")
    assert page.evaluate("window.__explorer.selection().clickedId") == above
    page.keyboard.press("p")
    assert page.evaluate("window.__explorer.pinned()") == [above]
    assert page.is_visible(".ex-tooltip")
