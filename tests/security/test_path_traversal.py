"""Path traversal through slugs and storage keys.

Graph bodies are the only user uploads that reach storage, and their keys are
`graphs/bodies/<22 random url-safe characters>.json.gz` (graphs/storage.py: `new_public_id()`),
whatever the upload says about itself: no slug, title, file name or metadata field takes part.
Feature dashboards are stored in the database (no storage key); their `source_set` is checked
against a strict pattern anyway. Media files are not served over HTTP: a body is read only
through the permission-checked API.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import Client

from graphs.models import Graph
from graphs.storage import BODY_PREFIX, write_body
from graphs.testing import build_graph_document
from tests.factories import GraphFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY = re.compile(rf"^{re.escape(BODY_PREFIX)}[A-Za-z0-9_-]{{22}}\.json\.gz$")
TRAVERSALS = [
    "../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2f",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "graphs/bodies/../../x",
]


@pytest.fixture
def owner_client(db):
    client = Client()
    client.force_login(UserFactory(username="traveller"))
    return client


def upload(client: Client, document: dict, **query: str):
    path = "/api/graphs/" + (f"?{urlencode(query)}" if query else "")
    return client.post(path, json.dumps(document).encode(), content_type="application/json")


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize("slug", TRAVERSALS)
def test_it_refuses_a_traversal_slug_naming_the_field(owner_client, slug):
    response = upload(owner_client, build_graph_document(slug="fine"), slug=slug)
    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == ["slug"]
    assert Graph.objects.count() == 0


@pytest.mark.parametrize("wanted", TRAVERSALS)
def test_storage_keys_come_from_random_ids_never_from_user_text(
    owner_client, media_root, tmp_path, wanted
):
    outside = files_under(tmp_path) - files_under(media_root)
    document = build_graph_document(slug=wanted)  # metadata.slug: the upload's own name for itself
    document["metadata"]["prompt"] = wanted
    response = upload(owner_client, document, title=wanted, description=wanted)
    assert response.status_code == 201, response.content[:300]
    graph = Graph.objects.get(pk=response.json()["id"])
    assert KEY.match(graph.body_key), graph.body_key
    assert "/" not in graph.slug and ".." not in graph.slug and "\\" not in graph.slug
    stored = media_root / graph.body_key
    assert stored.is_file() and stored.resolve().is_relative_to(media_root.resolve())
    # Nothing was written anywhere else.
    assert files_under(tmp_path) - files_under(media_root) == outside


def test_write_body_names_each_body_by_a_fresh_random_key(media_root):
    keys = {write_body(io.BytesIO(b'{"a": 1}')).key for _ in range(5)}
    assert len(keys) == 5 and all(KEY.match(k) for k in keys)


@pytest.mark.parametrize("source_set", ["../x", "..", "a/b", "/abs", "%2e%2e%2f", ".hidden"])
def test_a_dashboard_upload_refuses_a_path_like_source_set(owner_client, source_set):
    user = UserFactory(username="set-owner")
    graph = GraphFactory(owner=user)
    client = Client()
    client.force_login(user)
    body = {"source_set": source_set, "features": [{"index": 0}]}
    response = client.post(
        f"/api/graphs/{graph.pk}/features/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert [p["path"] for p in response.json()["problems"]] == ["source_set"]


@pytest.mark.parametrize(
    "path",
    [
        "/graphs/..%2f..%2fetc%2fpasswd/",
        "/graphs/%2e%2e/",
        "/api/graphs/..%2f..%2f/data/",
        "/api/graphs/%2e%2e%2f%2e%2e%2fetc/activity/",
        "/feature-json/graphs/..%2f..%2f/1.json",
        "/api/features/..%2f/..%2f/0/0/",
        "/generations/..%2f..%2fetc%2fpasswd/",
    ],
)
def test_traversal_in_an_id_is_an_unknown_id(owner_client, path):
    response = owner_client.get(path)
    assert response.status_code == 404
    assert b"root:" not in response.content


def test_stored_bodies_are_not_served_by_their_storage_key(owner_client, media_root):
    graph = GraphFactory(owner=UserFactory(username="private-owner"))  # private
    assert (media_root / graph.body_key).is_file()
    for path in (
        f"/media/{graph.body_key}",
        f"/{graph.body_key}",
        f"/static/../media/{graph.body_key}",
    ):
        assert owner_client.get(path).status_code == 404, path
