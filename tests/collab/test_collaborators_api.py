"""/api/graphs/{id}/collaborators/: the owner adds (by username or e-mail), changes and removes
collaborators; members list them; nobody else does anything. Removal revokes access at once."""

from __future__ import annotations

import pytest

from graphs.collab.models import Activity, Collaborator

pytestmark = pytest.mark.django_db


def url(graph, pk=None) -> str:
    return f"/api/graphs/{graph.id}/collaborators/" + (f"{pk}/" if pk else "")


def test_the_owner_adds_by_username_or_email_changes_and_removes(api, shared_graph, cast):
    graph = shared_graph("private")
    owner = api("owner")
    cast.outsider.email = "Mallory@Example.org"
    cast.outsider.save()
    added = owner.post(url(graph), {"user": "mallory@example.org", "role": "editor"}, format="json")
    assert added.status_code == 201, added.json()
    assert (added.json()["username"], added.json()["role"]) == ("mallory", "editor")
    assert api("outsider").get(f"/api/graphs/{graph.id}/").status_code == 200
    changed = owner.patch(url(graph, added.json()["id"]), {"role": "viewer"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    listing = owner.get(url(graph)).json()
    assert sorted((c["username"], c["role"]) for c in listing) == [
        ("eddie", "editor"),
        ("mallory", "viewer"),
        ("vera", "viewer"),
    ]
    assert owner.delete(url(graph, added.json()["id"])).status_code == 204
    # Access ends with the removal.
    assert api("outsider").get(f"/api/graphs/{graph.id}/").status_code == 404
    verbs = list(Activity.objects.filter(graph=graph).values_list("verb", flat=True))
    assert verbs == ["collaborator_removed", "collaborator_changed", "collaborator_added"]


def test_re_adding_someone_changes_their_role(api, shared_graph, cast):
    graph = shared_graph("private")
    again = api("owner").post(url(graph), {"user": "vera", "role": "editor"}, format="json")
    assert again.status_code == 200
    assert Collaborator.objects.get(graph=graph, user=cast.viewer).role == "editor"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"user": "nobody-here", "role": "viewer"}, "user"),
        ({"user": "mallory", "role": "admin"}, "role"),
        ({"role": "viewer"}, "user"),
        ({"user": "alice", "role": "viewer"}, "user"),  # the owner themself
    ],
)
def test_bad_input_names_the_field(api, shared_graph, body, field):
    graph = shared_graph("private")
    response = api("owner").post(url(graph), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert [p["path"] for p in response.json()["problems"]] == [field]


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_members_list_but_may_not_manage(api, shared_graph, cast, persona):
    graph = shared_graph("private")
    client = api(persona)
    assert client.get(url(graph)).status_code == 200
    vera = Collaborator.objects.get(graph=graph, user=cast.viewer)
    assert client.post(url(graph), {"user": "mallory"}, format="json").status_code == 403
    assert client.patch(url(graph, vera.id), {"role": "editor"}, format="json").status_code == 403
    assert client.delete(url(graph, vera.id)).status_code == 403
    assert Collaborator.objects.filter(graph=graph).count() == 2


@pytest.mark.parametrize("visibility, code", [("private", 404), ("public", 403)])
def test_outsiders_see_nothing(api, shared_graph, visibility, code):
    graph = shared_graph(visibility)
    assert api("outsider").get(url(graph)).status_code == code
    assert api("anonymous").get(url(graph)).status_code in (401, 403)


def test_collaborators_of_another_graph_answer_404(api, shared_graph, cast):
    graph, other = shared_graph("private"), shared_graph("private")
    foreign = Collaborator.objects.filter(graph=other).first()
    assert api("owner").delete(url(graph, foreign.id)).status_code == 404
    assert Collaborator.objects.filter(pk=foreign.pk).exists()
