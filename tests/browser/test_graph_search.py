"""Search inside a graph: on the demo model's Dallas graph, labelled as `make run` labels it (the
shipped dashboards and their offline explanations), typing "Austin" in the explorer's box finds
the " Austin" logit and every feature explained as Austin, rings those drawn, walks through them
with Enter, and pins and groups them; the subgraph panel suggests supernodes of pinned features
that share a label."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command

from graphs.explanations.models import Explanation
from graphs.generation import registry
from graphs.models.graph import Source
from tests.browser.pages import graph_path
from tests.factories import GraphFactory
from tests.support.steering import DALLAS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dallas(personas, settings):
    import torch

    from inference_worker.engine import trace

    registry._load.cache_clear()
    settings.GENERATION_EMBEDDED = True
    settings.GENERATION_MODELS_FILE = None
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    call_command("load_demo_features", verbosity=0)
    call_command("explain_offline", verbosity=0)
    torch.set_grad_enabled(True)
    document = trace("demo", "demo", DALLAS, settings={"slug": "dallas-search"})
    graph = GraphFactory(
        owner=personas["owner"],
        document=document,
        slug="dallas-search",
        model_id="demo",
        prompt=DALLAS,
        source=Source.GENERATED,
    )
    yield graph, document
    registry._load.cache_clear()


def explained_as(document: dict, word: str) -> set[str]:
    """Feature nodes of the graph whose stored explanation mentions `word`."""
    mentions = {
        (e.layer, e.index)
        for e in Explanation.objects.filter(model_id="demo", source_set="demo")
        if word.lower() in e.description.lower()
    }
    return {
        n["node_id"]
        for n in document["nodes"]
        if n["feature_type"] == "cross layer transcoder" and _key(n) in mentions
    }


def _key(node: dict) -> tuple[int, int]:
    layer, index, _ = node["node_id"].split("_")
    return int(layer), int(index)


def search(page, text: str) -> list[str]:
    page.fill("#ex-search-input", text)
    page.wait_for_function("(t) => window.__explorer.searchQuery() === t", arg=text)
    return page.evaluate("window.__explorer.searchMatches()")


def test_searching_austin_rings_pins_and_groups_its_nodes(open_page, dallas, personas, shot):
    graph, document = dallas
    austin_features = explained_as(document, "austin")
    assert austin_features, "no feature of the Dallas graph is explained as Austin"
    logit = next(
        n["node_id"]
        for n in document["nodes"]
        if n["feature_type"] == "logit" and "austin" in n["clerp"].lower()
    )

    page = open_page(graph_path(graph), personas["owner"], viewport=(1440, 900))
    page.wait_for_function("window.__explorer.explanations() === 'loaded'")
    matches = search(page, "Austin")

    # Every node labelled Austin, nothing else.
    assert austin_features | {logit} <= set(matches)
    for node_id in matches:
        assert "austin" in page.evaluate(f"window.__explorer.label({node_id!r})").lower()
    drawn = set(page.evaluate("window.__explorer.visibleNodeIds()"))
    assert set(page.evaluate("window.__explorer.searchRinged()")) == set(matches) & drawn
    count = page.text_content("#ex-search .ex-search-count")
    assert count.startswith(f"{len(matches)} match")

    # Enter walks through the matches.
    page.press("#ex-search-input", "Enter")
    assert page.evaluate("window.__explorer.selection().clickedId") == matches[0]
    if len(matches) > 1:
        page.press("#ex-search-input", "Enter")
        assert page.evaluate("window.__explorer.selection().clickedId") == matches[1]

    # Pin: every match is pinned and drawn, so every one is ringed.
    page.click("#ex-search-pin")
    assert set(matches) <= set(page.evaluate("window.__explorer.pinned()"))
    assert set(page.evaluate("window.__explorer.searchRinged()")) == set(matches)
    shot(page, "graph-search-austin")

    # Group: one supernode named after the query, of exactly the matches.
    page.click("#ex-search-group")
    supernodes = page.evaluate("window.__explorer.supernodes()")
    assert ["Austin", *matches] in supernodes
    assert page.locator("#ex-subgraph .ex-sg-node.super").count() == 1

    # A query nothing matches says so and rings nothing.
    assert search(page, "zzzz-no-such-label") == []
    assert page.text_content("#ex-search .ex-search-count") == "no matches"
    assert page.evaluate("window.__explorer.searchRinged()") == []
    assert page.errors == []


def test_pinned_features_with_one_label_are_suggested_as_a_supernode(open_page, dallas, personas):
    graph, document = dallas
    labels: dict[str, list[str]] = {}
    features = [n for n in document["nodes"] if n["feature_type"] == "cross layer transcoder"]
    descriptions = {
        (e.layer, e.index): e.description
        for e in Explanation.objects.filter(model_id="demo", source_set="demo")
    }
    for node in features:
        text = descriptions.get(_key(node))
        if text:
            labels.setdefault(text, []).append(node["node_id"])
    label, ids = max(labels.items(), key=lambda item: len(item[1]))
    assert len(ids) > 1, "no two features of the Dallas graph share an explanation"
    lone = next(n["node_id"] for n in features if descriptions.get(_key(n)) != label)

    page = open_page(
        graph_path(graph, "?pinnedIds=" + ",".join([*ids, lone])),
        personas["owner"],
        viewport=(1440, 900),
    )
    page.wait_for_function("window.__explorer.explanations() === 'loaded'")
    suggestion = page.locator("#ex-subgraph .ex-sn-suggestion", has_text=label)
    assert suggestion.locator(".ex-sn-suggest-label").text_content() == label
    suggestion.get_by_role("button", name="Group").click()
    assert [label, *ids] in page.evaluate("window.__explorer.supernodes()")
    assert lone not in page.evaluate("window.__explorer.supernodes()")[0]
    assert page.locator("#ex-subgraph .ex-sn-suggestion", has_text=label).count() == 0
    assert page.errors == []
