"""The answer cache: public metadata and list pages come from it with no query, and no write
ever leaves an old answer to be served (each case writes through the service or the API, then
reads at once). Run on the in-process cache and on Redis, the production cache."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from graphs.collab.models import Role
from graphs.models import Graph, Visibility
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory
from tests.support.caches import BACKENDS, fresh_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(BACKENDS))
def cache_backend(request, settings):
    settings.CACHES = fresh_cache(request.param)
    return request.param


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _queries(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response, len(captured.captured_queries)


def test_public_metadata_and_lists_are_served_without_a_query(cache_backend):
    graph = GraphFactory(visibility=Visibility.PUBLIC)
    anonymous = client_for()
    for path in (f"/api/graphs/{graph.pk}/", "/api/graphs/?page_size=5"):
        first, _ = _queries(lambda p=path: anonymous.get(p))
        again, count = _queries(lambda p=path: anonymous.get(p))
        assert first.status_code == again.status_code == 200
        assert again.content == first.content and count == 0, path


def test_a_change_of_the_graph_is_seen_at_once(cache_backend):
    owner = UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PUBLIC, title="Before")
    anonymous = client_for()
    assert anonymous.get(f"/api/graphs/{graph.pk}/").json()["title"] == "Before"
    assert anonymous.get("/api/graphs/").json()["results"][0]["title"] == "Before"
    client_for(owner).patch(f"/api/graphs/{graph.pk}/", {"title": "After"}, format="json")
    assert anonymous.get(f"/api/graphs/{graph.pk}/").json()["title"] == "After"
    assert anonymous.get("/api/graphs/").json()["results"][0]["title"] == "After"


def test_a_graph_made_private_is_hidden_at_once(cache_backend):
    owner, outsider = UserFactory(), UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PUBLIC)
    for client in (client_for(), client_for(outsider)):
        assert client.get(f"/api/graphs/{graph.pk}/").status_code == 200
        assert client.get("/api/graphs/").json()["count"] == 1
    client_for(owner).patch(f"/api/graphs/{graph.pk}/", {"visibility": "private"}, format="json")
    for client in (client_for(), client_for(outsider)):
        assert client.get(f"/api/graphs/{graph.pk}/").status_code == 404
        assert client.get("/api/graphs/").json()["count"] == 0


def test_a_deleted_graph_and_a_new_one(cache_backend):
    owner = UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PUBLIC)
    anonymous = client_for()
    assert anonymous.get(f"/api/graphs/{graph.pk}/").status_code == 200
    assert anonymous.get("/api/graphs/").json()["count"] == 1
    client_for(owner).delete(f"/api/graphs/{graph.pk}/")
    assert anonymous.get(f"/api/graphs/{graph.pk}/").status_code == 404
    assert anonymous.get("/api/graphs/").json()["count"] == 0
    GraphFactory(owner=owner, visibility=Visibility.PUBLIC)
    assert anonymous.get("/api/graphs/").json()["count"] == 1


def test_a_renamed_owner_is_shown_at_once(cache_backend):
    owner = UserFactory(username="before")
    graph = GraphFactory(owner=owner, visibility=Visibility.PUBLIC)
    anonymous = client_for()
    assert anonymous.get(f"/api/graphs/{graph.pk}/").json()["owner"] == "before"
    owner.username = "after"
    owner.save()
    assert anonymous.get(f"/api/graphs/{graph.pk}/").json()["owner"] == "after"
    assert anonymous.get("/api/graphs/").json()["results"][0]["owner"] == "after"


def test_private_answers_are_never_kept(cache_backend):
    owner, member = UserFactory(), UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PRIVATE)
    membership = CollaboratorFactory(graph=graph, user=member, role=Role.VIEWER)
    assert client_for(member).get(f"/api/graphs/{graph.pk}/").status_code == 200
    membership.delete()  # no write to the graph itself
    assert client_for(member).get(f"/api/graphs/{graph.pk}/").status_code == 404
    assert client_for().get(f"/api/graphs/{graph.pk}/").status_code == 404


def test_my_list_is_not_shared(cache_backend):
    alice, bob = UserFactory(), UserFactory()
    GraphFactory(owner=alice, visibility=Visibility.PRIVATE, title="alice's secret")
    assert client_for(alice).get("/api/graphs/?scope=mine").json()["count"] == 1
    assert client_for(bob).get("/api/graphs/?scope=mine").json()["count"] == 0


def test_answers_of_one_host_are_not_another_hosts(cache_backend, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    graph = GraphFactory(visibility=Visibility.PUBLIC)
    first = client_for().get(f"/api/graphs/{graph.pk}/", HTTP_HOST="a.example").json()
    second = client_for().get(f"/api/graphs/{graph.pk}/", HTTP_HOST="b.example").json()
    assert first["url"].startswith("http://a.example/")
    assert second["url"].startswith("http://b.example/")


@pytest.mark.parametrize(
    "path", ["/api/graphs/{id}/", "/api/graphs/?page_size=3", "/api/graphs/?scope=mine"]
)
def test_metadata_and_lists_answer_304_to_their_etag(cache_backend, path):
    owner = UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PUBLIC)
    client = client_for(owner)
    url = path.replace("{id}", graph.pk)
    first = client.get(url)
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    client.patch(f"/api/graphs/{graph.pk}/", {"title": "Changed"}, format="json")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_browsable_api_still_answers_browsers(cache_backend):
    graph = GraphFactory(visibility=Visibility.PUBLIC)
    page = client_for().get(f"/api/graphs/{graph.pk}/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert Graph.objects.filter(pk=graph.pk).exists()
