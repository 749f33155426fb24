"""Who may read and who may change a graph's uploaded dashboards, for every visibility."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from graphs.collab.models import Role
from graphs.features.ids import cantor_pair
from graphs.features.models import Feature
from graphs.models import Source, Visibility
from graphs.testing import FEATURE_INDEX_BASE
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory
from tests.features.dashboards import make_dashboard

pytestmark = pytest.mark.django_db

F0 = (0, FEATURE_INDEX_BASE + 2)


@pytest.fixture
def people():
    owner, editor, viewer, outsider = (UserFactory() for _ in range(4))
    return {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "outsider": outsider,
        "anonymous": None,
    }


def make_graph(people, visibility):
    graph = GraphFactory(owner=people["owner"], visibility=visibility, source=Source.UPLOADED)
    CollaboratorFactory(graph=graph, user=people["editor"], role=Role.EDITOR)
    CollaboratorFactory(graph=graph, user=people["viewer"], role=Role.VIEWER)
    Feature.objects.create(
        model_id=graph.model_id,
        source_set="uploaded",
        layer=F0[0],
        index=F0[1],
        label="x",
        dashboard=make_dashboard(cantor_pair(*F0)),
        graph=graph,
        owner=people["owner"],
    )
    return graph


def as_(people, who) -> APIClient:
    client = APIClient()
    if people[who] is not None:
        client.force_authenticate(people[who])
    return client


READ_URLS = [
    "features/",
    f"features/{F0[0]}/{F0[1]}/",
    f"/feature-json/graphs/{{id}}/{cantor_pair(*F0)}.json",
    f"features/batch/?features={F0[0]}:{F0[1]}",
]


@pytest.mark.parametrize("who", ["owner", "editor", "viewer", "outsider", "anonymous"])
@pytest.mark.parametrize("visibility", list(Visibility))
def test_reading_follows_the_graph_visibility(people, who, visibility):
    graph = make_graph(people, visibility)
    may_see = visibility != Visibility.PRIVATE or who in ("owner", "editor", "viewer")
    for tail in READ_URLS:
        path = (
            tail.format(id=graph.pk) if tail.startswith("/") else f"/api/graphs/{graph.pk}/{tail}"
        )
        response = as_(people, who).get(path)
        # A private graph answers 404 to those who may not see it: its existence does not leak.
        assert response.status_code == (200 if may_see else 404), tail


def test_the_batch_post_follows_the_same_rule(people):
    graph = make_graph(people, Visibility.PRIVATE)
    body = {"features": [list(F0)]}
    assert (
        as_(people, "viewer")
        .post(f"/api/graphs/{graph.pk}/features/batch/", body, format="json")
        .status_code
        == 200
    )
    assert (
        as_(people, "outsider")
        .post(f"/api/graphs/{graph.pk}/features/batch/", body, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("who", "visibility", "expected"),
    [
        ("owner", Visibility.PRIVATE, 201),
        ("editor", Visibility.PRIVATE, 201),
        ("viewer", Visibility.PRIVATE, 403),
        ("outsider", Visibility.PRIVATE, 404),
        ("outsider", Visibility.PUBLIC, 403),
        ("outsider", Visibility.UNLISTED, 403),
        ("anonymous", Visibility.PUBLIC, (401, 403)),
        ("anonymous", Visibility.PRIVATE, (401, 403)),
    ],
)
def test_only_the_owner_and_editors_upload(people, who, visibility, expected):
    graph = make_graph(people, visibility)
    body = [dict(make_dashboard(cantor_pair(*F0)), label="changed")]
    response = as_(people, who).post(f"/api/graphs/{graph.pk}/features/", body, format="json")
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed
    label = Feature.objects.of_graph(graph).get().label
    assert label == ("changed" if response.status_code == 201 else "x")
    if response.status_code == 201:
        assert Feature.objects.of_graph(graph).get().owner == people[who]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("editor", 200),
        ("viewer", 403),
        ("outsider", 403),
        ("anonymous", (401, 403)),
    ],
)
def test_only_the_owner_and_editors_delete(people, who, expected):
    graph = make_graph(people, Visibility.PUBLIC)
    response = as_(people, who).delete(f"/api/graphs/{graph.pk}/features/")
    allowed = expected if isinstance(expected, tuple) else (expected,)
    assert response.status_code in allowed
    assert Feature.objects.of_graph(graph).count() == (0 if response.status_code == 200 else 1)


def test_an_unknown_graph_is_404(people):
    assert as_(people, "owner").get("/api/graphs/nope/features/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_single_dashboards_are_not_writable(people, method):
    graph = make_graph(people, Visibility.PUBLIC)
    response = getattr(as_(people, "owner"), method)(
        f"/api/graphs/{graph.pk}/features/{F0[0]}/{F0[1]}/", {}, format="json"
    )
    assert response.status_code == 405


def test_uploaded_dashboards_go_with_their_graph(people):
    graph = make_graph(people, Visibility.PUBLIC)
    graph.delete()
    assert not Feature.objects.exists()
