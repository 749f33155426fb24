"""POST /api/validate/: every problem and the suggestions; open to all, stores nothing."""

from __future__ import annotations

import gzip
import json

import pytest

from graphs.models import Graph
from tests.support.paths import FIXTURES
from tests.support.storage import stored_bodies

pytestmark = pytest.mark.django_db


def validate(client, body: bytes, **headers):
    return client.post("/api/validate/", body, content_type="application/json", **headers)


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_it_validates_for_anyone_and_stores_nothing(api, media_root, persona):
    response = validate(api(persona), (FIXTURES / "tiny.json").read_bytes())
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True and data["problems"] == []
    assert data["node_count"] == 24 and data["link_count"] == 72
    assert not Graph.objects.exists() and stored_bodies(media_root) == []


def test_it_answers_every_problem(api):
    raw = (FIXTURES / "error-id-collision.json").read_text()
    document = json.loads(raw)
    document["links"][0]["target"] = "ghost"
    response = validate(
        api("anonymous"), gzip.compress(json.dumps(document).encode()), HTTP_CONTENT_ENCODING="gzip"
    )
    data = response.json()
    assert data["valid"] is False
    messages = [f"{p['path']}: {p['message']}" for p in data["problems"]]
    assert any("issue #78" in m for m in messages)
    assert "links[0].target: node 'ghost' does not exist in nodes" in messages


def test_it_suggests_optional_fields(api):
    document = json.loads((FIXTURES / "tiny.json").read_text())
    del document["metadata"]["info"]
    for node in document["nodes"]:
        node.pop("influence", None)
    data = validate(api("anonymous"), json.dumps(document).encode()).json()
    assert data["valid"] is True
    paths = {s["path"] for s in data["suggestions"]}
    assert {"metadata.info", "metadata.feature_details", "metadata.generation_settings"} <= paths
    assert any("have no influence" in s["message"] for s in data["suggestions"])


def test_it_applies_the_size_limit(api, settings):
    settings.GRAPH_UPLOAD_MAX_BYTES = 2048
    response = validate(api("anonymous"), (FIXTURES / "tiny.json").read_bytes())
    assert response.status_code == 413
