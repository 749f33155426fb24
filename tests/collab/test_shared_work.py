"""Working together on subgraphs: everyone's visible subgraphs listed with author and last change,
"save as mine", no overwriting someone else's, the activity list, and the Shared with me page."""

from __future__ import annotations

import pytest
from django.test import Client

from graphs.models import Subgraph
from tests.factories import SubgraphFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_everyones_subgraphs_with_author_and_last_change(api, shared_graph, cast):
    graph = shared_graph("private")
    SubgraphFactory(graph=graph, author=cast.owner, display_name="owner's")
    SubgraphFactory(graph=graph, author=cast.editor, display_name="editor's")
    rows = api("viewer").get(f"/api/graphs/{graph.id}/subgraphs/").json()["results"]
    assert {(r["display_name"], r["author"]) for r in rows} == {
        ("owner's", "alice"),
        ("editor's", "eddie"),
    }
    assert all(r["updated_at"] for r in rows)


def test_save_as_mine_copies_into_a_subgraph_of_ones_own(api, shared_graph, cast):
    graph = shared_graph("private")
    original = SubgraphFactory(
        graph=graph, author=cast.owner, display_name="the loop", featured=True
    )
    response = api("viewer").post(
        f"/api/graphs/{graph.id}/subgraphs/{original.id}/duplicate/", {}, format="json"
    )
    assert response.status_code == 201
    copy = Subgraph.objects.get(pk=response.json()["id"])
    assert (copy.author, copy.display_name, copy.featured) == (
        cast.viewer,
        "the loop (vera's copy)",
        False,
    )
    assert (copy.pinned_ids, copy.supernodes, copy.clerps) == (
        original.pinned_ids,
        original.supernodes,
        original.clerps,
    )
    original.refresh_from_db()
    assert original.author == cast.owner and original.version == 1


@pytest.mark.parametrize("persona, code", [("outsider", 404), ("anonymous", (401, 403))])
def test_save_as_mine_needs_access(api, shared_graph, cast, persona, code):
    graph = shared_graph("private")
    original = SubgraphFactory(graph=graph, author=cast.owner)
    response = api(persona).post(f"/api/graphs/{graph.id}/subgraphs/{original.id}/duplicate/")
    assert response.status_code in (code if isinstance(code, tuple) else (code,))
    assert Subgraph.objects.filter(graph=graph).count() == 1


def test_overwriting_someone_elses_subgraph_is_refused_with_a_way_out(api, shared_graph, cast):
    graph = shared_graph("private")
    theirs = SubgraphFactory(graph=graph, author=cast.viewer, display_name="vera's")
    response = api("editor").patch(
        f"/api/graphs/{graph.id}/subgraphs/{theirs.id}/",
        {"display_name": "mine now", "version": 1},
        format="json",
    )
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.display_name == "vera's"


def test_the_activity_list_says_who_did_what(api, shared_graph, cast):
    graph = shared_graph("private")
    editor = api("editor")
    created = editor.post(
        f"/api/graphs/{graph.id}/subgraphs/", {"display_name": "a"}, format="json"
    ).json()
    editor.patch(
        f"/api/graphs/{graph.id}/subgraphs/{created['id']}/",
        {"display_name": "b", "version": 1},
        format="json",
    )
    editor.delete(f"/api/graphs/{graph.id}/subgraphs/{created['id']}/")
    entries = api("viewer").get(f"/api/graphs/{graph.id}/activity/").json()["results"]
    assert [(e["actor"], e["verb"], e["subject"]) for e in entries] == [
        ("eddie", "subgraph_deleted", "b"),
        ("eddie", "subgraph_renamed", "b"),
        ("eddie", "subgraph_saved", "a"),
    ]
    assert api("outsider").get(f"/api/graphs/{graph.id}/activity/").status_code == 404
    assert api("owner").get(f"/api/graphs/{graph.id}/activity/?limit=0").status_code == 400


def test_collaborator_entries_are_for_members_only(api, shared_graph, cast):
    graph = shared_graph("public")
    api("owner").post(f"/api/graphs/{graph.id}/collaborators/", {"user": "mallory"}, format="json")
    assert len(api("viewer").get(f"/api/graphs/{graph.id}/activity/").json()["results"]) == 1
    assert api("anonymous").get(f"/api/graphs/{graph.id}/activity/").json()["results"] == []


def test_shared_with_me_lists_graphs_i_collaborate_on_with_my_role(shared_graph, cast):
    graph = shared_graph("private")
    graph.title = "Shared <script>x</script>"
    graph.save()
    client = Client()
    client.force_login(cast.editor)
    page = client.get("/graphs/shared/").content.decode()
    assert "Shared &lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
    assert 'class="badge ok role">editor<' in page
    client.force_login(cast.outsider)
    assert "Shared &lt;script" not in client.get("/graphs/shared/").content.decode()
    assert Client().get("/graphs/shared/").status_code == 302
