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
    # Added by e-mail: the owner is shown the address typed, never the account's username.
    assert (added.json()["name"], added.json()["role"]) == ("mallory@example.org", "editor")
    assert "mallory" not in added.content.decode().replace("mallory@example.org", "")
    assert api("outsider").get(f"/api/graphs/{graph.id}/").status_code == 200
    changed = owner.patch(url(graph, added.json()["id"]), {"role": "viewer"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "viewer"
    listing = owner.get(url(graph)).json()
    assert sorted((c["name"], c["role"]) for c in listing) == [
        ("eddie", "editor"),
        ("mallory@example.org", "viewer"),
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
    assert (
        client.patch(url(graph, vera.public_id), {"role": "editor"}, format="json").status_code
        == 403
    )
    assert client.delete(url(graph, vera.public_id)).status_code == 403
    assert Collaborator.objects.filter(graph=graph).count() == 2


@pytest.mark.parametrize("visibility, code", [("private", 404), ("public", 403)])
def test_outsiders_see_nothing(api, shared_graph, visibility, code):
    graph = shared_graph(visibility)
    assert api("outsider").get(url(graph)).status_code == code
    assert api("anonymous").get(url(graph)).status_code in (401, 403)


def test_collaborators_of_another_graph_answer_404(api, shared_graph, cast):
    graph, other = shared_graph("private"), shared_graph("private")
    foreign = Collaborator.objects.filter(graph=other).first()
    assert api("owner").delete(url(graph, foreign.public_id)).status_code == 404
    assert Collaborator.objects.filter(pk=foreign.pk).exists()


def test_adding_by_email_tells_nobody_the_username(api, shared_graph, cast):
    """The owner's answers, the list and the activity history name the e-mail address (masked in
    the history, which every member reads); only fellow members see the username."""
    graph = shared_graph("private")
    cast.outsider.email = "mallory@example.org"
    cast.outsider.save()
    owner = api("owner")
    owner.post(url(graph), {"user": "mallory@example.org", "role": "viewer"}, format="json")
    for body in (
        owner.get(url(graph)).content,
        owner.get(f"/api/graphs/{graph.id}/activity/").content,
    ):
        assert b'mallory"' not in body and b'"mallory"' not in body, body
    entry = Activity.objects.get(graph=graph, verb="collaborator_added")
    assert entry.subject == "m…@example.org"
    # A fellow member sees the username of whom they share the graph with, not the address.
    names = [c["name"] for c in api("editor").get(url(graph)).json()]
    assert "mallory" in names and "mallory@example.org" not in names


def test_collaborator_and_activity_ids_are_random_not_sequential(api, shared_graph, cast):
    graph = shared_graph("private")
    api("owner").post(url(graph), {"user": "mallory", "role": "viewer"}, format="json")
    listing = api("owner").get(url(graph)).json()
    activity = api("owner").get(f"/api/graphs/{graph.id}/activity/").json()["results"]
    ids = [c["id"] for c in listing] + [a["id"] for a in activity]
    assert ids and all(isinstance(i, str) and len(i) >= 22 for i in ids), ids
    for c in Collaborator.objects.filter(graph=graph):
        assert str(c.pk) not in {i for i in ids}
        # The sequential key no longer reaches an object through the URL.
        assert api("owner").get(url(graph, c.pk)).status_code == 404
