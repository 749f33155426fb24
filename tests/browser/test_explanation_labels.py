"""Feature explanations label the explorer: on a real Neuronpedia graph (no clerps of its own) our
explanations of its set show beside nodes where there is room, in the hover card, the Connections
list, the subgraph and the Steer sliders; a human explanation added on the feature's page shows
in the hover card on the next visit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graphs.explanations import methods
from graphs.explanations.models import Explanation
from tests.browser.pages import graph_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MJ = "fact_michael_jordan_202510262027-20251026-022811.json"


@pytest.fixture
def jordan(shared_dir: Path) -> dict[str, Any]:
    return json.loads((shared_dir / "fixtures" / "neuronpedia-graphs" / MJ).read_text())


def feature_key(node: dict) -> tuple[int, int]:
    layer, index, _ = node["node_id"].split("_")
    return int(layer), int(index)


@pytest.fixture
def explained(jordan) -> dict[tuple[int, int], str]:
    """An (offline) explanation of every feature of the graph, in its derived set."""
    texts = {}
    for node in jordan["nodes"]:
        if node["feature_type"] == "cross layer transcoder":
            layer, index = feature_key(node)
            texts[(layer, index)] = f"meaning of feature {index} in layer {layer}"
    Explanation.objects.bulk_create(
        Explanation(
            model_id="gemma-2-2b",
            source_set="clt-hp",
            layer=layer,
            index=index,
            description=text,
            method=methods.OFFLINE,
        )
        for (layer, index), text in texts.items()
    )
    return texts


def hover_label(page, node_id: str) -> str:
    p = page.evaluate(f"window.__explorer.clientPoint({node_id!r})")
    page.mouse.move(p["x"], p["y"])
    card = page.locator(".ex-tooltip .ex-tt-label")
    card.wait_for(state="visible")
    return card.inner_text()


def open_labelled(open_page, graph, user, query: str = "") -> Any:
    page = open_page(graph_path(graph, query), user, viewport=(1440, 900))
    page.wait_for_function("window.__explorer.explanations() === 'loaded'")
    return page


def test_explanations_label_nodes_everywhere(
    open_page, store_graph, jordan, explained, personas, shot
):
    graph = store_graph(jordan)
    by_id = {n["node_id"]: n for n in jordan["nodes"]}
    features = [n for n in jordan["nodes"] if n["feature_type"] == "cross layer transcoder"]
    top = min(features, key=lambda n: n["influence"])
    page = open_labelled(open_page, graph, personas["owner"], f"?pinnedIds={top['node_id']}")

    # Hover card and Feature details.
    assert hover_label(page, top["node_id"]) == explained[feature_key(top)]
    assert explained[feature_key(top)] in page.text_content("#ex-details")

    # Connections: every feature row reads as its explanation.
    page.evaluate(f"window.__explorer.clientPoint({top['node_id']!r})")
    point = page.evaluate(f"window.__explorer.clientPoint({top['node_id']!r})")
    page.mouse.click(point["x"], point["y"])
    rows = page.locator("#ex-connections .ex-conn-row")
    assert rows.count() > 0
    checked = 0
    for k in range(rows.count()):
        node = by_id[rows.nth(k).get_attribute("data-node-id")]
        if node["feature_type"] == "cross layer transcoder":
            assert rows.nth(k).locator(".ex-label").text_content() == explained[feature_key(node)]
            checked += 1
    assert checked > 0

    # The subgraph node and the Steer slider of the pinned feature.
    sg_text = page.locator(f'#ex-subgraph .ex-sg-node[data-key="{top["node_id"]}"] title')
    assert sg_text.text_content() == explained[feature_key(top)]
    assert (
        explained[feature_key(top)] in page.locator("#ex-steer .ex-steer-name").all_text_contents()
    )

    # Beside nodes, where the layout left room: a prefix of the node's explanation, inside the
    # node's column, clear of every other node of its band.
    labels = page.evaluate("window.__explorer.nodeLabels()")
    assert labels, "no label was written beside any node"
    positions = page.evaluate("window.__explorer.positions()")
    layout = page.evaluate("window.__explorer.layout()")
    columns = {c["ctx"]: c for c in layout["columns"]}
    radius = layout["radius"]
    for label in labels:
        node = by_id[label["id"]]
        full = explained[feature_key(node)]
        assert full.startswith(label["text"].rstrip("…").rstrip())
        col = columns[node["ctx_idx"]]
        assert col["x0"] <= label["x"] and label["x"] + label["w"] <= col["x1"], label
        for other, p in positions.items():
            if other == label["id"] or abs(p["y"] - label["y"]) > radius + 5:
                continue
            inside = label["x"] - radius <= p["x"] <= label["x"] + label["w"] + radius
            assert not inside, f"the label of {label['id']} covers {other}"
    shot(page, "explanation-labels")
    assert page.errors == []


def test_a_human_explanation_shows_in_the_hover_card(
    open_page, store_graph, jordan, explained, personas
):
    graph = store_graph(jordan)
    node = next(n for n in jordan["nodes"] if n["feature_type"] == "cross layer transcoder")
    layer, index = feature_key(node)
    page = open_labelled(open_page, graph, personas["owner"])
    assert hover_label(page, node["node_id"]) == explained[(layer, index)]

    # The feature details link to the feature's page, where a signed-in user adds theirs.
    point = page.evaluate(f"window.__explorer.clientPoint({node['node_id']!r})")
    page.mouse.click(point["x"], point["y"])
    page.locator("#ex-details a", has_text="All explanations").click()
    page.wait_for_url(f"**/features/gemma-2-2b/clt-hp/{layer}/{index}/")
    page.fill("#description", "jumps for the basket")
    page.click("form.row button[type=submit]")
    page.wait_for_load_state()

    again = open_labelled(open_page, graph, personas["owner"])
    assert hover_label(again, node["node_id"]) == "jumps for the basket"
    assert again.errors == []


def test_a_generated_graph_shows_the_live_explanation_over_its_clerp(open_page, personas):
    """Generated here: the clerp is a snapshot of the explanation at generation; a newer default
    explanation is what the page shows."""
    from graphs.models.graph import Source
    from graphs.testing import build_graph_document
    from tests.factories import GraphFactory

    document = build_graph_document(scan="demo", slug="generated-labels")
    feature = next(n for n in document["nodes"] if n["feature_type"] == "cross layer transcoder")
    feature["clerp"] = "snapshot at generation"
    layer, index = feature_key(feature)
    Explanation.objects.create(
        model_id="demo",
        source_set="demo",
        layer=layer,
        index=index,
        description="say Austin",
        method=methods.HUMAN,
        author=personas["owner"],
    )
    graph = GraphFactory(
        owner=personas["owner"], document=document, model_id="demo", source=Source.GENERATED
    )
    page = open_labelled(open_page, graph, personas["owner"])
    assert hover_label(page, feature["node_id"]) == "say Austin"
    assert page.errors == []


def test_a_human_explanation_edited_in_the_panel_shows_in_the_hover_card(
    open_page, store_graph, jordan, explained, personas, shot
):
    graph = store_graph(jordan, visibility="public")
    node = next(n for n in jordan["nodes"] if n["feature_type"] == "cross layer transcoder")
    layer, index = feature_key(node)
    offline = explained[(layer, index)]
    page = open_labelled(open_page, graph, personas["owner"])

    def panel_for(p, node_id):
        point = p.evaluate(f"window.__explorer.clientPoint({node_id!r})")
        p.mouse.click(point["x"], point["y"])
        box = p.locator(f'#ex-details .ex-explain[data-feature="{layer}_{index}"]')
        box.wait_for(state="visible")
        p.wait_for_function(
            "() => document.querySelector('#ex-details .ex-explain-status').textContent !== 'Loading…'"
        )
        return box

    def save(box, text, button, done="Saved."):
        box.locator(".ex-explain-text").fill(text)
        box.get_by_role("button", name=button).click()
        box.locator(".ex-explain-status", has_text=done).wait_for()

    box = panel_for(page, node["node_id"])
    assert box.locator(".ex-explain-text").input_value() == ""
    save(box, "  jumps for the basket ", "Add")
    assert hover_label(page, node["node_id"]) == "jumps for the basket"
    mine = Explanation.objects.get(method=methods.HUMAN, layer=layer, index=index)
    assert mine.author == personas["owner"] and mine.description == "jumps for the basket"

    # Editing changes the same row; the hover card follows at once.
    box = panel_for(page, node["node_id"])
    save(box, "basketball dunks", "Save changes")
    assert hover_label(page, node["node_id"]) == "basketball dunks"
    assert Explanation.objects.filter(method=methods.HUMAN).count() == 1
    shot(page, "explanation-edited-in-panel")

    # Someone else reads it in the hover card; their own box is empty and adds a new row.
    other = open_labelled(open_page, graph, personas["collaborator"])
    assert hover_label(other, node["node_id"]) == "basketball dunks"
    their_box = panel_for(other, node["node_id"])
    assert their_box.locator(".ex-explain-text").input_value() == ""
    assert their_box.get_by_role("button", name="Delete").is_hidden()

    # An anonymous visitor is asked to sign in, and has no box.
    anonymous = open_labelled(open_page, graph, None)
    point = anonymous.evaluate(f"window.__explorer.clientPoint({node['node_id']!r})")
    anonymous.mouse.click(point["x"], point["y"])
    anonymous.locator("#ex-details .ex-explain-signin").wait_for()
    assert anonymous.locator("#ex-details .ex-explain-text").count() == 0

    # Delete asks first (the page's dialogs are dismissed here: nothing goes) ...
    box = panel_for(page, node["node_id"])
    box.get_by_role("button", name="Delete").click()
    assert page.dialogs == ["Delete your explanation of this feature?"]
    assert Explanation.objects.filter(method=methods.HUMAN).count() == 1
    # ... and once confirmed, the feature has its previous label back.
    page.evaluate("window.confirm = () => true")
    box.get_by_role("button", name="Delete").click()
    box.locator(".ex-explain-status", has_text="Deleted.").wait_for()
    assert hover_label(page, node["node_id"]) == offline
    assert not Explanation.objects.filter(method=methods.HUMAN).exists()
    assert page.errors == other.errors == anonymous.errors == []
