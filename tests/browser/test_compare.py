"""The comparison page on the demo model: the Dallas graph against the Seattle one. The features
that carry "Texas" in the first are coloured as its own, the "Washington" ones as the second's;
hovering a node hovers its counterpart; the difference view is part of the shareable address."""

from __future__ import annotations

import pytest

from tests.factories import GraphFactory
from tests.support.steering import DALLAS, state_features

pytestmark = pytest.mark.browser

SEATTLE = "The capital of the state containing Seattle is"
ORANGE, BLUE = "#e8a33d", "#5b8def"


def _state_node_ids(rm, document, prompt, city, capital, state):
    capital_id = rm.tokenizer.convert_tokens_to_ids(capital)
    features, _ = state_features(rm, prompt, city, capital_id, state)
    ids = {n["node_id"] for n in document["nodes"]}
    return [
        f"{f.layer}_{f.index}_{f.pos}" for f in features if f"{f.layer}_{f.index}_{f.pos}" in ids
    ]


@pytest.fixture
def dallas_and_seattle(personas):
    import torch

    from inference_worker.engine import ReplacementModel, load_model, load_transcoders, trace

    torch.set_grad_enabled(True)
    model = load_model("demo")
    rm = ReplacementModel(model, load_transcoders("demo", model=model))
    graphs, states = [], []
    for prompt, city, capital, state, slug in (
        (DALLAS, " Dallas", " Austin", " Texas", "dallas-cmp"),
        (SEATTLE, " Seattle", " Olympia", " Washington", "seattle-cmp"),
    ):
        document = trace("demo", "demo", prompt, settings={"slug": slug})
        states.append(_state_node_ids(rm, document, prompt, city, capital, state))
        graphs.append(
            GraphFactory(
                owner=personas["owner"],
                document=document,
                slug=slug,
                model_id="demo",
                prompt=prompt,
                visibility="public",
            )
        )
    assert states[0] and states[1], "a state feature of each graph survived pruning"
    return graphs, states


def _open(open_page, path):
    page = open_page(path, wait_ready=False)
    page.wait_for_function("document.querySelector('#cs-compare').dataset.state === 'ready'")
    return page


def test_texas_features_are_dallass_own_and_washington_ones_seattles(
    open_page, dallas_and_seattle, shot
):
    (dallas, seattle), (texas, washington) = dallas_and_seattle
    page = _open(open_page, f"/graphs/{dallas.pk}/compare/{seattle.pk}/")
    shot(page, "compare-dallas-seattle")
    colour = "([side, id]) => window.__compare.colourOf(side, id)"
    for node_id in texas:
        assert page.evaluate(colour, ["a", node_id]) == ORANGE, node_id
    for node_id in washington:
        assert page.evaluate(colour, ["b", node_id]) == ORANGE, node_id
    # Nothing Texan in the Seattle graph, nothing of Washington's in the Dallas one.
    texas_features = {tuple(i.split("_")[:2]) for i in texas}
    rows = page.locator("#cmp-only_a .cmp-row")
    listed = {(r.get_attribute("data-layer"), r.get_attribute("data-index")) for r in rows.all()}
    assert texas_features <= listed
    assert page.locator("#cmp-both .cmp-row").count() > 0  # the shared part of the circuit
    assert page.errors == []


def test_hovering_a_node_hovers_its_counterpart(open_page, dallas_and_seattle):
    (dallas, seattle), _ = dallas_and_seattle
    page = _open(open_page, f"/graphs/{dallas.pk}/compare/{seattle.pk}/")
    visible = page.evaluate("() => window.__compare.visibleNodeIds('a')")

    def hover_in_a(node_id):
        point = page.evaluate("(id) => window.__compare.clientPoint('a', id)", node_id)
        page.mouse.move(point["x"], point["y"])
        return page.evaluate("() => window.__compare.hovered()")

    bos = next(i for i in visible if i.startswith("E_") and i.endswith("_0"))
    assert hover_in_a(bos) == {"a": bos, "b": bos}  # the same token at the same place
    logit = next(i for i in visible if i.startswith("5_"))  # " Austin" faces nothing in B
    assert hover_in_a(logit) == {"a": logit, "b": None}
    city = next(i for i in visible if i.startswith("E_") and i.endswith("_7"))
    assert hover_in_a(city) == {"a": city, "b": None}  # " Dallas" is not " Seattle"
    # A feature both graphs use: hovering its row hovers it in both drawings.
    row = page.locator("#cmp-both .cmp-row").first
    layer, index = row.get_attribute("data-layer"), row.get_attribute("data-index")
    row.hover()
    hovered = page.evaluate("() => window.__compare.hovered()")
    assert hovered["a"].split("_")[:2] == hovered["b"].split("_")[:2] == [layer, index]


def test_the_difference_view_is_in_the_address(open_page, dallas_and_seattle):
    (dallas, seattle), (texas, washington) = dallas_and_seattle
    page = _open(open_page, f"/graphs/{dallas.pk}/compare/{seattle.pk}/")
    page.check("input[name=cmp-view][value=difference]")
    assert "view=difference" in page.url
    assert page.evaluate("(id) => window.__compare.colourOf('a', id)", texas[0]) == "#d64545"
    again = _open(open_page, "/graphs/" + page.url.split("/graphs/", 1)[1])
    assert again.evaluate("() => window.__compare.view()") == "difference"
    assert again.evaluate("(id) => window.__compare.colourOf('b', id)", washington[0]) == "#2f9e44"
