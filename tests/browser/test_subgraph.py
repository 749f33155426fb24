"""Pin, group, label, save, and share: the link reproduces the view for another allowed user,
and refuses an outsider on a private graph."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import graph_path
from tests.factories import SubgraphFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def features_of(graph: dict, n: int) -> list[str]:
    feats = [x for x in graph["nodes"] if x["feature_type"] == "cross layer transcoder"]
    feats.sort(key=lambda x: x["influence"])
    return [x["node_id"] for x in feats[:n]]


def ctrl_click(page, node_id: str) -> None:
    p = page.evaluate(f"window.__explorer.clientPoint({node_id!r})")
    page.keyboard.down("Control")
    page.mouse.click(p["x"], p["y"])
    page.keyboard.up("Control")


def test_pin_group_label_save_and_share(open_page, store_graph, real_graph, personas, shot):
    graph = store_graph(real_graph, collaborators=[personas["collaborator"]])
    page = open_page(graph_path(graph), personas["owner"])
    a, b, c = features_of(real_graph, 3)
    for node_id in (a, b, c):
        ctrl_click(page, node_id)
    assert page.evaluate("window.__explorer.pinned()") == [a, b, c]
    assert page.locator("#ex-subgraph .ex-sg-node").count() == 3

    # Hold g, click two pinned nodes in the subgraph panel, release g: one supernode.
    page.locator("#ex-graph").focus()
    page.keyboard.down("g")
    assert page.evaluate("window.__explorer.grouping()") is True
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{a}"]')
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{b}"]')
    page.keyboard.up("g")
    assert page.evaluate("window.__explorer.supernodes()") == [["group 1", a, b]]
    assert page.locator("#ex-subgraph .ex-sg-node").count() == 2
    page.fill("#ex-subgraph .ex-sn-label", "capital")
    page.press("#ex-subgraph .ex-sn-label", "Enter")
    page.dispatch_event("#ex-subgraph .ex-sn-label", "change")
    assert page.evaluate("window.__explorer.supernodes()") == [["capital", a, b]]
    assert page.evaluate(f"window.__explorer.label({a!r})").startswith("[capital] ")
    page.click('#ex-subgraph .ex-sg-node[data-key="sn:0"]')  # selects its first member
    assert page.text_content("#ex-selected .ex-sel-label").startswith("[capital] ")
    assert page.text_content("#ex-connections .ex-conn-title").startswith("[capital] ")

    # Rename c's label inline, then cancel an edit of it, then save the subgraph.
    p = page.evaluate(f"window.__explorer.clientPoint({c!r})")
    page.mouse.click(p["x"], p["y"])
    page.click("#ex-selected .ex-label-edit")
    page.fill("#ex-selected .ex-label-input", "says the answer")
    page.press("#ex-selected .ex-label-input", "Enter")
    assert page.text_content("#ex-selected .ex-sel-label") == "says the answer"
    page.click("#ex-selected .ex-label-edit")
    page.fill("#ex-selected .ex-label-input", "discarded")
    page.press("#ex-selected .ex-label-input", "Escape")
    assert page.text_content("#ex-selected .ex-sel-label") == "says the answer"
    page.fill("#ex-saved .ex-save-name", "My circuit")
    page.click("#ex-saved .ex-save")
    page.wait_for_selector("#ex-saved .ex-share-url")
    share = page.input_value("#ex-saved .ex-share-url")
    assert f"/graphs/{graph.pk}/?subgraph=" in share
    assert page.locator("#ex-saved .ex-mine li").count() == 1
    shot(page, "subgraph-saved")
    sid = page.evaluate("window.__explorer.subgraphId()")
    saved = graph.subgraphs.get(pk=sid)
    assert saved.author == personas["owner"]
    assert saved.pinned_ids == [a, b, c]
    assert saved.supernodes == [["capital", a, b]]
    assert saved.clerps == [[c, "says the answer"]]

    # A collaborator opens the link in a second context: same pins, groups and labels.
    link = urlsplit(share)
    other = open_page(f"{link.path}?{link.query}", personas["collaborator"])
    other.wait_for_function("window.__explorer.pinned().length === 3")
    assert other.evaluate("window.__explorer.pinned()") == [a, b, c]
    assert other.evaluate("window.__explorer.supernodes()") == [["capital", a, b]]
    assert other.evaluate("window.__explorer.clerps()") == [[c, "says the answer"]]
    assert other.evaluate(f"window.__explorer.label({c!r})") == "says the answer"
    shot(other, "subgraph-shared-collaborator")

    # Revert restores the original label (locally, for this viewer).
    p = other.evaluate(f"window.__explorer.clientPoint({c!r})")
    other.mouse.click(p["x"], p["y"])
    other.click("#ex-selected .ex-label-revert")
    assert other.evaluate("window.__explorer.clerps()") == []

    # An outsider gets a 404 page without the explorer.
    response_page = open_page(
        f"/graphs/{graph.pk}/?subgraph={sid}", personas["outsider"], wait_ready=False
    )
    assert response_page.locator("#cs-explorer").count() == 0
    assert page.errors == [] and other.errors == []


def test_ungroup_and_url_state(open_page, store_graph, real_graph, personas):
    graph = store_graph(real_graph, visibility="unlisted")
    a, b, c = features_of(real_graph, 3)
    query = f'?pinnedIds={a},{b},{c}&supernodes=[["sn",%22{a}%22,%22{b}%22]]&clerps=[[%22{c}%22,%22lbl%22]]'
    page = open_page(graph_path(graph, query))  # anonymous viewer of an unlisted graph
    assert page.evaluate("window.__explorer.pinned()") == [a, b, c]
    assert page.evaluate("window.__explorer.supernodes()") == [["sn", a, b]]
    assert page.evaluate(f"window.__explorer.label({c!r})") == "lbl"
    assert "Sign in to save" in page.text_content("#ex-saved")
    page.click("#ex-subgraph .ex-ungroup")
    assert page.evaluate("window.__explorer.supernodes()") == []
    assert page.locator("#ex-subgraph .ex-sg-node").count() == 3
    assert "supernodes" not in page.url

    # Nodes of the subgraph panel can be dragged.
    before = page.evaluate("window.__explorer.subgraphPositions()")[c]
    box = page.locator(f'#ex-subgraph .ex-sg-node[data-key="{c}"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 60, box["y"] + box["height"] / 2 + 30, steps=5)
    page.mouse.up()
    after = page.evaluate("window.__explorer.subgraphPositions()")[c]
    assert after["x"] < before["x"] - 20 and after["y"] > before["y"] + 10

    # The grouping button works like holding g.
    page.click("#ex-subgraph .ex-group-btn")
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{a}"]')
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{b}"]')
    page.click("#ex-subgraph .ex-group-btn")
    assert page.evaluate("window.__explorer.supernodes()") == [["group 1", a, b]]
    page.click("#ex-subgraph .ex-ungroup")

    # Download JSON carries the current pins, groups and labels in qParams.
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{a}"]')
    page.keyboard.down("g")
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{b}"]')
    page.click(f'#ex-subgraph .ex-sg-node[data-key="{c}"]')
    page.keyboard.up("g")
    with page.expect_download() as download:
        page.click("#ex-download")
    doc = json.loads(Path(download.value.path()).read_text())
    assert doc["qParams"]["pinnedIds"] == [a, b, c]
    assert doc["qParams"]["supernodes"] == [["group 1", b, c]]
    assert doc["qParams"]["clerps"] == [[c, "lbl"]]
    assert len(doc["nodes"]) == len(real_graph["nodes"])


def test_a_viewer_saves_a_copy_of_someone_elses_subgraph(
    open_page, store_graph, real_graph, personas
):
    graph = store_graph(real_graph, collaborators=[personas["collaborator"]])
    a, b, _ = features_of(real_graph, 3)
    theirs = SubgraphFactory(
        graph=graph, author=personas["owner"], display_name="Owner's", pinned_ids=[a], featured=True
    )
    page = open_page(graph_path(graph), personas["collaborator"])
    page.wait_for_selector("#ex-saved .ex-featured li")
    page.click("#ex-saved .ex-featured .ex-load")  # one click loads it
    page.wait_for_function("window.__explorer.pinned().length === 1")
    ctrl_click(page, b)
    page.fill("#ex-saved .ex-save-name", "Mine now")
    page.click("#ex-saved .ex-save")
    page.wait_for_selector("#ex-saved .ex-mine li")
    mine = graph.subgraphs.get(display_name="Mine now")
    assert mine.author == personas["collaborator"] and mine.pinned_ids == [a, b]
    theirs.refresh_from_db()
    assert theirs.pinned_ids == [a] and theirs.version == 1


def test_embed_hides_the_chrome(open_page, store_graph, real_graph, shot):
    graph = store_graph(real_graph, visibility="public")
    page = open_page(graph_path(graph, "?embed=true"))
    assert not page.is_visible("header")
    assert not page.is_visible("h1")  # the page's own title and metadata card
    assert not page.is_visible("#ex-saved")
    assert not page.is_visible("#ex-generate")
    assert page.is_visible("#ex-threshold")
    assert page.is_visible("#ex-graph")
    shot(page, "embed")


def test_a_stale_save_is_refused_with_a_message(open_page, store_graph, real_graph, personas):
    graph = store_graph(real_graph)
    a, b, c = features_of(real_graph, 3)
    sub = SubgraphFactory(
        graph=graph, author=personas["owner"], display_name="Shared", pinned_ids=[a]
    )
    first = open_page(graph_path(graph, f"?subgraph={sub.pk}"), personas["owner"])
    second = open_page(graph_path(graph, f"?subgraph={sub.pk}"), personas["owner"])
    for page, node in ((first, b), (second, c)):
        page.wait_for_function("window.__explorer.pinned().length === 1")
        ctrl_click(page, node)
    first.click("#ex-saved .ex-save")
    first.wait_for_selector("#ex-saved .ex-msg:has-text('Saved')")
    second.click("#ex-saved .ex-save")
    second.wait_for_selector("#ex-saved .ex-conflict:has-text('owner saved this subgraph last')")
    sub.refresh_from_db()
    assert sub.pinned_ids == [a, b] and sub.version == 2
