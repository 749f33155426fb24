"""POST /api/models/{id}/steer/ and /api/graphs/{id}/steer/: who may, bounds, 400s from the
engine, the 503 when no worker answers, the per-user 429, and that the answer is the engine's."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from graphs.collab.models import Role
from graphs.generation import registry
from graphs.models import Visibility
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory
from tests.support.steering import DALLAS, REDIS_URL, TEXAS


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    registry._load.cache_clear()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GENERATION_EMBEDDED = True
    settings.GENERATION_MODELS_FILE = None
    # the throttle counts in the default cache: a fresh one per test
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }
    yield
    registry._load.cache_clear()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def graph(owner):
    return GraphFactory(owner=owner, model_id="demo", prompt=DALLAS, visibility=Visibility.PRIVATE)


def test_the_model_endpoint_answers_what_the_engine_computes(owner):
    from inference_worker.engine import intervene
    from inference_worker.engine.trace import load_replacement_model

    body = {"prompt": DALLAS, "interventions": [TEXAS], "max_new_tokens": 3, "top_k": 4}
    response = api(owner).post("/api/models/demo/steer/", body, format="json")
    assert response.status_code == 200, response.content
    answer = response.json()
    rm = load_replacement_model("demo", "demo")
    expected = intervene(rm, DALLAS, [TEXAS], max_new_tokens=3, top_k=4)
    assert answer["steered"] == expected["steered"] and answer["default"] == expected["default"]
    assert answer["last_position"] == expected["last_position"]
    austin = lambda dist: next(d["prob"] for d in dist if d["text"] == " Austin")  # noqa: E731
    assert austin(answer["last_position"]["after"]) < austin(answer["last_position"]["before"])


def test_the_graph_endpoint_uses_the_graphs_prompt_and_visibility(owner, graph):
    outsider, viewer = UserFactory(username="outsider"), UserFactory(username="viewer")
    CollaboratorFactory(graph=graph, user=viewer, role=Role.VIEWER)
    url = f"/api/graphs/{graph.pk}/steer/"
    body = {"interventions": [TEXAS], "max_new_tokens": 0}
    assert api().post(url, body, format="json").status_code in (401, 403)
    assert api(outsider).post(url, body, format="json").status_code == 404
    ok = api(viewer).post(url, body, format="json")
    assert ok.status_code == 200
    assert "".join(ok.json()["prompt_tokens"]).endswith(DALLAS)
    graph.visibility = Visibility.PUBLIC
    graph.save()
    assert api(outsider).post(url, body, format="json").status_code == 200
    assert api().post(url, body, format="json").status_code in (401, 403)  # signed in only
    assert (
        api(owner).post("/api/graphs/nope-nope-nope-nope-1/steer/", body, format="json").status_code
        == 404
    )


def test_a_graph_of_a_model_not_served_is_a_409(owner):
    other = GraphFactory(owner=owner, model_id="not-served")
    response = api(owner).post(f"/api/graphs/{other.pk}/steer/", {}, format="json")
    assert response.status_code == 409 and "not-served" in response.json()["detail"]


def test_anonymous_may_not_steer_a_model():
    assert api().post("/api/models/demo/steer/", {"prompt": DALLAS}, format="json").status_code in (
        401,
        403,
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"max_new_tokens": 65}, "max_new_tokens"),
        ({"max_new_tokens": -1}, "max_new_tokens"),
        ({"temperature": 2.5}, "temperature"),
        ({"top_k": 0}, "top_k"),
        ({"top_k": 21}, "top_k"),
        ({"seed": -1}, "seed"),
        ({"freeze_attention": "maybe"}, "freeze_attention"),
        ({"constrained_layers": [-1]}, "constrained_layers"),
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "x" * 2001}, "prompt"),
        ({"interventions": [{"layer": -1, "position": 1}]}, "interventions"),
        ({"interventions": [{"layer": 0, "position": "later"}]}, "interventions"),
        ({"interventions": [{"layer": 0, "position": 1, "value": 1e9}]}, "interventions"),
        ({"interventions": [{"layer": 0, "position": 1, "mode": "boost"}]}, "interventions"),
        ({"interventions": [TEXAS] * 65}, "interventions"),
        # what only the model knows, refused by the engine on the worker: still a 400 naming the field
        ({"interventions": [{"layer": 9, "position": 1}]}, "interventions"),
        ({"interventions": [{"layer": 0, "position": 30}]}, "interventions"),
        ({"constrained_layers": [7]}, "constrained_layers"),
        ({"max_new_tokens": 40}, "max_new_tokens"),  # beyond the demo model's 32-token context
    ],
)
def test_every_parameter_is_bounded(owner, body, field):
    response = api(owner).post("/api/models/demo/steer/", {"prompt": DALLAS, **body}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()


def test_no_worker_answers_503_with_a_reason(owner, settings):
    import redis

    settings.GENERATION_EMBEDDED = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = REDIS_URL
    settings.STEER_TIMEOUT_S = 1
    queue = f"cpu.steer-test-{uuid.uuid4().hex[:8]}"
    path = settings.MEDIA_ROOT + "-models.json"
    with open(path, "w") as handle:
        handle.write(
            f'[{{"id": "lonely", "display_name": "Lonely", "queue": "{queue}", '
            f'"model": "demo", "transcoders": "demo"}}]'
        )
    settings.GENERATION_MODELS_FILE = path
    try:
        response = api(owner).post("/api/models/lonely/steer/", {"prompt": DALLAS}, format="json")
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(queue, *client.scan_iter(match=f"_kombu.binding*.{queue}"))
        client.close()
    assert response.status_code == 503
    assert "no worker" in response.json()["detail"] and queue in response.json()["detail"]


def test_each_user_is_rate_limited(owner, settings):
    settings.STEER_PER_MINUTE = 2
    body = {"prompt": DALLAS, "max_new_tokens": 0}
    for _ in range(2):
        assert api(owner).post("/api/models/demo/steer/", body, format="json").status_code == 200
    limited = api(owner).post("/api/models/demo/steer/", body, format="json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    other = UserFactory(username="someone-else")
    assert api(other).post("/api/models/demo/steer/", body, format="json").status_code == 200
