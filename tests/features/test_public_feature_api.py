"""GET /api/features/{model}/{set}/{layer}/{index}/, the batch and the {id}.json route of our
public sets: anyone reads them, nobody writes them through the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.features.ids import cantor_pair
from graphs.features.models import Feature
from tests.factories import UserFactory
from tests.features.dashboards import make_dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def signed_in(api) -> APIClient:
    api.force_authenticate(UserFactory())
    return api


def test_anyone_reads_a_dashboard(loaded, api):
    response = api.get("/api/features/demo/demo/2/3/")
    assert response.status_code == 200
    body = response.json()
    expected = make_dashboard(3, seed=2)
    assert body["examples_quantiles"] == expected["examples_quantiles"]
    assert body["top_logits"] == expected["top_logits"]
    assert (body["layer"], body["index"], body["label"]) == (2, 3, "L2 f3")
    assert response["Cache-Control"].startswith("public")


def test_the_two_sets_of_a_model_are_apart(loaded, api):
    clt = api.get("/api/features/demo/demo-clt/1/2/").json()
    plt = api.get("/api/features/demo/demo/1/2/").json()
    assert clt["label"] == "clt 1/2" and plt["label"] == "L1 f2"


@pytest.mark.parametrize(
    "url",
    [
        "/api/features/demo/demo/2/4/",  # index beyond the set
        "/api/features/demo/demo/7/0/",  # layer beyond the set
        "/api/features/demo/nope/0/0/",  # unknown set
        "/api/features/gpt-9/demo/0/0/",  # unknown model
        "/api/features/demo/demo/0/99999999999999/",  # beyond the column range: 404, not 500
    ],
)
def test_unknown_features_answer_404(loaded, api, url):
    assert api.get(url).status_code == 404


def test_the_json_route_answers_by_graph_feature_id(loaded, api):
    feature_id = cantor_pair(2, 3)
    response = api.get(f"/feature-json/demo/demo/{feature_id}.json")
    assert response.status_code == 200
    body = response.json()
    assert body["index"] == feature_id and body["layer"] == 2 and body["label"] == "L2 f3"
    assert api.get(f"/feature-json/demo/demo/{cantor_pair(2, 9)}.json").status_code == 404


def test_the_set_list_is_public(loaded, api):
    body = api.get("/api/features/").json()
    assert body["results"] == [
        {"model_id": "demo", "source_set": "demo", "n_features": 12},
        {"model_id": "demo", "source_set": "demo-clt", "n_features": 6},
    ]


def test_a_batch_answers_in_the_order_asked_and_lists_the_missing(loaded, api):
    response = api.post(
        "/api/features/demo/demo/batch/",
        {"features": [[2, 1], [0, 3], [9, 9], [0, 3], [1, 0]]},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert [(r["layer"], r["index"]) for r in body["results"]] == [(2, 1), (0, 3), (1, 0)]
    assert body["missing"] == [[9, 9]]
    assert body["results"][1]["top_logits"] == make_dashboard(3)["top_logits"]


def test_a_batch_by_get(loaded, api):
    response = api.get("/api/features/demo/demo-clt/batch/", {"features": "0:0,1:2"})
    assert response.status_code == 200
    assert [r["label"] for r in response.json()["results"]] == ["clt 0/0", "clt 1/2"]


def test_a_batch_is_bounded(loaded, api, settings):
    settings.BATCH_MAX_FEATURES = 5
    response = api.post(
        "/api/features/demo/demo/batch/", {"features": [[0, i] for i in range(6)]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"path": "features", "message": "asks for 6 features; at most 5 per request"}
    ]
    ok = api.post(
        "/api/features/demo/demo/batch/", {"features": [[0, i] for i in range(5)]}, format="json"
    )
    assert ok.status_code == 200 and len(ok.json()["results"]) == 4


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "features"),
        ({"features": []}, "features"),
        ({"features": "0:1"}, "features"),
        ({"features": [[0, 1], [0]]}, "features[1]"),
        ({"features": [[0, 1], [0, -1]]}, "features[1]"),
        ({"features": [[True, 1]]}, "features[0]"),
        ({"features": [["0", 1]]}, "features[0]"),
        ({"features": [[0, 2**40]]}, "features[0]"),
    ],
)
def test_a_bad_batch_names_its_problem(loaded, api, body, path):
    response = api.post("/api/features/demo/demo/batch/", body, format="json")
    assert response.status_code == 400
    assert response.json()["problems"][0]["path"] == path


@pytest.mark.parametrize("query", ["", "0-1", "0:x", "0:1,,2:3", "٣:1"])
def test_a_bad_batch_query_names_its_problem(loaded, api, query):
    response = api.get("/api/features/demo/demo/batch/", {"features": query})
    assert response.status_code == 400
    assert response.json()["problems"][0]["path"].startswith("features")


def test_a_batch_of_an_unknown_set_is_404(loaded, api):
    response = api.post("/api/features/demo/zzz/batch/", {"features": [[0, 0]]}, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_nobody_writes_a_public_dashboard_through_the_api(loaded, api, signed_in, method):
    for client in (APIClient(), signed_in):
        response = getattr(client, method)(
            "/api/features/demo/demo/0/0/", {"label": "mine now"}, format="json"
        )
        assert response.status_code == 405
    assert Feature.objects.in_public_set("demo", "demo").get(layer=0, index=0).label == "L0 f0"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_nobody_writes_through_the_batch_route(loaded, signed_in, method):
    response = getattr(signed_in, method)("/api/features/demo/demo/batch/", {}, format="json")
    assert response.status_code == 405
    assert Feature.objects.count() == 18


def test_a_staff_user_cannot_write_either(loaded):
    staff = APIClient()
    staff.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    response = staff.delete("/api/features/demo/demo/0/0/")
    assert response.status_code == 405
    assert Feature.objects.count() == 18
