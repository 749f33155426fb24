"""GET /api/graphs/{a}/compare/{b}/: both graphs must be visible, of one model and transcoder set;
the answer pages through the features and lists the most changed edges."""

from __future__ import annotations

import copy
import json

import pytest

from graphs.comparison.matching import BOTH, ONLY_A, ONLY_B
from tests.factories import GraphFactory

pytestmark = pytest.mark.django_db

CAPITAL = "clt-hp-the-capital-of-201020250035-20251020-003525.json"
JORDAN = "fact_michael_jordan_202510262027-20251026-022811.json"


@pytest.fixture
def neuronpedia(shared_dir):
    def load(name: str) -> dict:
        return json.loads((shared_dir / "fixtures" / "neuronpedia-graphs" / name).read_text())

    return load


def _store(owner, document, visibility="public"):
    scan = document["metadata"]["scan"]
    return GraphFactory(owner=owner, document=document, model_id=scan, visibility=visibility)


def _url(a, b, query=""):
    return f"/api/graphs/{a.pk}/compare/{b.pk}/{query}"


def _feature_keys(document):
    return {
        tuple(int(p) for p in n["node_id"].split("_")[:2])
        for n in document["nodes"]
        if n["feature_type"] == "cross layer transcoder"
    }


def test_two_real_graphs_split_into_shared_and_own_features(api, cast, neuronpedia):
    capital, jordan = neuronpedia(CAPITAL), neuronpedia(JORDAN)
    a, b = _store(cast.owner, capital), _store(cast.owner, jordan)
    body = api("anonymous").get(_url(a, b, "?page_size=200")).json()
    keys_a, keys_b = _feature_keys(capital), _feature_keys(jordan)
    assert body["counts"] == {
        ONLY_A: len(keys_a - keys_b),
        ONLY_B: len(keys_b - keys_a),
        BOTH: len(keys_a & keys_b),
    }
    assert body["features"]["count"] == len(keys_a | keys_b)
    assert body["a"]["id"] == a.pk and body["b"]["prompt_tokens"][3] == " Michael"
    # Different prompts of different lengths: "<bos>" with "<bos>", the rest from the end.
    assert body["alignment"] == [[0, 0], *([i, i + 1] for i in range(1, 8))]


def test_a_status_filter_and_pages(api, cast, neuronpedia):
    capital, jordan = neuronpedia(CAPITAL), neuronpedia(JORDAN)
    a, b = _store(cast.owner, capital), _store(cast.owner, jordan)
    client = api("viewer")
    first = client.get(_url(a, b, "?status=only_b&page_size=50")).json()
    assert first["features"]["count"] == len(_feature_keys(jordan) - _feature_keys(capital))
    assert all(f["status"] == ONLY_B and f["a"] is None for f in first["features"]["results"])
    second = client.get(_url(a, b, "?status=only_b&page_size=50&page=2")).json()
    seen = {(f["layer"], f["index"]) for f in first["features"]["results"]}
    assert seen.isdisjoint((f["layer"], f["index"]) for f in second["features"]["results"])


def test_a_changed_edge_carries_both_weights(api, cast, neuronpedia):
    capital = neuronpedia(CAPITAL)
    changed = copy.deepcopy(capital)
    changed["metadata"]["slug"] = "changed"
    link = max(changed["links"], key=lambda edge: abs(edge["weight"]))
    original = link["weight"]
    link["weight"] = -10 * original
    a, b = _store(cast.owner, capital), _store(cast.owner, changed)
    body = api("owner").get(_url(a, b, "?edges=3")).json()
    assert body["counts"][ONLY_A] == body["counts"][ONLY_B] == 0
    assert len(body["edges"]) == 3
    top = body["edges"][0]
    assert (top["source"]["a"], top["target"]["a"]) == (link["source"], link["target"])
    assert top["source"]["b"] == link["source"]
    assert top["weight_a"] == pytest.approx(original) and top["weight_b"] == pytest.approx(
        -10 * original
    )
    assert top["change"] == pytest.approx(-11 * original)
    # Identical graphs otherwise: every node faces itself.
    assert len(body["node_pairs"]) == len(capital["nodes"])


@pytest.mark.parametrize("persona", ["outsider", "anonymous"])
@pytest.mark.parametrize("hidden", ["a", "b"])
def test_a_graph_someone_may_not_see_answers_404_on_either_side(
    api, cast, neuronpedia, persona, hidden
):
    private = _store(cast.owner, neuronpedia(CAPITAL), visibility="private")
    public = _store(cast.outsider, neuronpedia(JORDAN), visibility="public")
    a, b = (private, public) if hidden == "a" else (public, private)
    assert api(persona).get(_url(a, b)).status_code == 404
    cast.share(private)
    assert api("viewer").get(_url(a, b)).status_code == 200  # a member of the private one


def test_graphs_of_different_models_are_refused_naming_b(api, cast, neuronpedia):
    a = _store(cast.owner, neuronpedia(CAPITAL))
    b = GraphFactory(owner=cast.owner, visibility="public")  # model demo-model
    response = api("owner").get(_url(a, b))
    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == ["b"]


def test_different_transcoder_sets_are_refused(api, cast, neuronpedia):
    other = neuronpedia(JORDAN)
    other["metadata"]["info"]["transcoder_set"] = "google/gemma-scope-2b-pt-transcoders"
    a, b = _store(cast.owner, neuronpedia(CAPITAL)), _store(cast.owner, other)
    response = api("owner").get(_url(a, b))
    assert response.status_code == 400 and "transcoder set" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "field"), [("?status=gone", "status"), ("?edges=501", "edges"), ("?edges=x", "edges")]
)
def test_bad_parameters_name_their_field(api, cast, neuronpedia, query, field):
    a = _store(cast.owner, neuronpedia(CAPITAL))
    response = api("owner").get(_url(a, a, query))
    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == [field]


def test_writing_is_not_allowed(api, cast, neuronpedia):
    a = _store(cast.owner, neuronpedia(CAPITAL))
    assert api("owner").post(_url(a, a), {}, format="json").status_code == 405


def test_edge_ends_name_their_node_and_token(api, cast, neuronpedia):
    capital = neuronpedia(CAPITAL)
    a = _store(cast.owner, capital)
    changed = copy.deepcopy(capital)
    embedding_link = next(edge for edge in changed["links"] if edge["source"].startswith("E_"))
    embedding_link["weight"] += 100
    b = _store(cast.owner, changed)
    top = api("owner").get(_url(a, b, "?edges=1")).json()["edges"][0]
    ctx = int(embedding_link["source"].rsplit("_", 1)[1])
    assert top["source"]["label"] == "token" and top["source"]["ctx_idx"] == ctx
    assert top["source"]["token"] == capital["metadata"]["prompt_tokens"][ctx]
    target = next(n for n in capital["nodes"] if n["node_id"] == embedding_link["target"])
    layer, index = target["node_id"].split("_")[:2]
    assert top["target"]["label"] == (target["clerp"] or f"L{layer} #{index}")
