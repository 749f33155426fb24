"""The Django admin: staff only; deleting a graph there removes its body too."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from tests.factories import GraphFactory, SubgraphFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_staff_browse_every_model(staff_client):
    graph = GraphFactory(title="<b>bold</b>")
    subgraph = SubgraphFactory(graph=graph)
    for path in [
        "/admin/graphs/graph/",
        f"/admin/graphs/graph/{graph.pk}/change/",
        "/admin/graphs/subgraph/",
        f"/admin/graphs/subgraph/{subgraph.pk}/change/",
        "/admin/collab/collaborator/",
        "/admin/accounts/apitoken/",
    ]:
        response = staff_client.get(path)
        assert response.status_code == 200, path
    assert b"<b>bold</b>" not in staff_client.get("/admin/graphs/graph/").content


def test_staff_feature_a_graph(staff_client):
    graph = GraphFactory(visibility="public")
    response = staff_client.post(
        f"/admin/graphs/graph/{graph.pk}/change/",
        {
            "title": graph.title,
            "description": "",
            "visibility": "public",
            "featured": "on",
            "collaborators-TOTAL_FORMS": "0",
            "collaborators-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    graph.refresh_from_db()
    assert graph.featured


def test_deleting_a_graph_in_the_admin_deletes_its_body(
    staff_client, django_capture_on_commit_callbacks
):
    graph = GraphFactory()
    assert default_storage.exists(graph.body_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/graphs/graph/{graph.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not default_storage.exists(graph.body_key)


def test_deleting_graphs_in_the_admin_goes_through_the_service(
    staff_client, django_capture_on_commit_callbacks, monkeypatch
):
    """One by one and in bulk, open sockets of a deleted graph hear that access changed."""
    from graphs.services import graphs as graph_services

    announced: list[str] = []
    monkeypatch.setattr(graph_services, "announce_access_change", announced.append)
    one, two, three = GraphFactory(), GraphFactory(), GraphFactory()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/graphs/graph/{one.pk}/delete/", {"post": "yes"})
        response = staff_client.post(
            "/admin/graphs/graph/",
            {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert sorted(announced) == sorted([one.pk, two.pk, three.pk])
    assert not any(default_storage.exists(g.body_key) for g in (one, two, three))


@pytest.mark.parametrize("persona", ["anonymous", "signed-in non-staff"])
def test_non_staff_may_not_use_the_admin(client, persona):
    graph = GraphFactory()
    if persona != "anonymous":
        client.force_login(UserFactory(username="plain"))
    for path in ["/admin/graphs/graph/", f"/admin/graphs/graph/{graph.pk}/delete/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(f"/admin/graphs/graph/{graph.pk}/delete/", {"post": "yes"})
    assert default_storage.exists(graph.body_key)


def test_staff_revoke_tokens_from_the_admin(staff_client):
    from webapp.accounts.tokens import create_token, user_for_token

    token, plaintext = create_token(UserFactory(username="leaky"), "ci")
    response = staff_client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert user_for_token(plaintext) is None
    change = staff_client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert plaintext not in change
