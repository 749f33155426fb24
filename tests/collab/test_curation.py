"""Curation and moderation of subgraphs by a graph's owner and editors, the activity it leaves,
and the history a graph keeps from its private period.

- Featuring works on one's own subgraph as on anyone's, without a version, and is announced.
- Owner and editors hide or delete anyone's subgraph on their graph; hidden ones are listed to
  members and their author only; the moderated subgraph's entries leave the public feed.
- Subgraph saves are rate-limited per user.
- What happened while a graph was private stays members-only after it goes public.
"""

from __future__ import annotations

import pytest

from graphs.collab.models import Activity
from graphs.models import Subgraph
from graphs.services import save_subgraph, update_graph
from tests.factories import SubgraphFactory

pytestmark = pytest.mark.django_db


def subs(graph, pk=None) -> str:
    return f"/api/graphs/{graph.id}/subgraphs/" + (f"{pk}/" if pk else "")


def feed(client, graph) -> list[dict]:
    return client.get(f"/api/graphs/{graph.id}/activity/").json()["results"]


@pytest.mark.parametrize("persona", ["owner", "editor"])
def test_owner_and_editor_feature_their_own_subgraph_without_a_version(
    api, shared_graph, cast, persona
):
    graph = shared_graph("public")
    own = SubgraphFactory(graph=graph, author=cast.user(persona), display_name="mine")
    response = api(persona).patch(subs(graph, own.id), {"featured": True}, format="json")
    assert response.status_code == 200, response.json()
    own.refresh_from_db()
    assert own.featured and own.version == 1
    response = api(persona).patch(subs(graph, own.id), {"featured": False}, format="json")
    assert response.status_code == 200 and not response.json()["featured"]
    verbs = [e["verb"] for e in feed(api("anonymous"), graph)]
    assert verbs[:2] == ["subgraph_unfeatured", "subgraph_featured"]


def test_a_viewer_still_may_not_feature_even_their_own(api, shared_graph, cast):
    graph = shared_graph("public")
    own = SubgraphFactory(graph=graph, author=cast.viewer)
    response = api("viewer").patch(subs(graph, own.id), {"featured": True}, format="json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert not own.featured


@pytest.mark.parametrize("persona", ["owner", "editor"])
def test_moderators_hide_spam_from_everyone_but_members_and_its_author(
    api, shared_graph, cast, persona
):
    graph = shared_graph("public")
    spam = save_subgraph(graph, cast.outsider, {"display_name": "OFFICIAL correction http://x"})
    assert any(e["subgraph_id"] == spam.id for e in feed(api("anonymous"), graph))
    response = api(persona).patch(subs(graph, spam.id), {"hidden": True}, format="json")
    assert response.status_code == 200 and response.json()["hidden"] is True
    listed = lambda who: {s["id"] for s in api(who).get(subs(graph)).json()["results"]}  # noqa: E731
    assert spam.id not in listed("anonymous")
    assert api("anonymous").get(subs(graph, spam.id)).status_code == 404
    assert spam.id in listed("viewer") and spam.id in listed("outsider")  # member, author
    # Its entries leave the public feed; members still see what happened.
    assert not any(e["subgraph_id"] == spam.id for e in feed(api("anonymous"), graph))
    assert next(e["verb"] for e in feed(api("viewer"), graph)) == "subgraph_hidden"


def test_a_viewer_or_outsider_may_not_hide_or_delete_others_subgraphs(api, shared_graph, cast):
    graph = shared_graph("public")
    theirs = SubgraphFactory(graph=graph, author=cast.editor)
    for persona in ("viewer", "outsider"):
        client = api(persona)
        assert (
            client.patch(subs(graph, theirs.id), {"hidden": True}, format="json").status_code == 403
        )
        assert client.delete(subs(graph, theirs.id)).status_code == 403
    theirs.refresh_from_db()
    assert not theirs.hidden


@pytest.mark.parametrize("persona", ["owner", "editor"])
def test_moderators_delete_spam_and_its_public_history(api, shared_graph, cast, persona):
    graph = shared_graph("public")
    spam = save_subgraph(graph, cast.outsider, {"display_name": "spam"})
    assert api(persona).delete(subs(graph, spam.id)).status_code == 204
    assert not Subgraph.objects.filter(pk=spam.pk).exists()
    assert not any(e["subject"] == "spam" for e in feed(api("anonymous"), graph))
    deleted = Activity.objects.get(graph=graph, verb="subgraph_deleted")
    assert deleted.members_only and deleted.detail == "by mallory"


def test_subgraph_saves_are_rate_limited(api, shared_graph, settings):
    settings.RATELIMIT_SUBGRAPHS_PER_HOUR = 3
    graph = shared_graph("public")
    outsider = api("outsider")
    codes = [
        outsider.post(subs(graph), {"display_name": f"spam {i}"}, format="json").status_code
        for i in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    refused = outsider.post(subs(graph), {"display_name": "more"}, format="json")
    assert int(refused["Retry-After"]) > 0
    assert "at most 3 new subgraphs per hour" in refused.json()["detail"]
    assert Subgraph.objects.filter(graph=graph).count() == 3
    # Another account is not held back by this one's count.
    assert api("viewer").post(subs(graph), {"display_name": "ok"}, format="json").status_code == 201


def test_overwrites_have_their_own_limit(api, shared_graph, cast, settings):
    settings.RATELIMIT_SUBGRAPH_SAVES_PER_HOUR = 2
    graph = shared_graph("public")
    own = SubgraphFactory(graph=graph, author=cast.viewer, display_name="v")
    viewer = api("viewer")
    first = viewer.patch(subs(graph, own.id), {"display_name": "v2", "version": 1}, format="json")
    second = viewer.patch(subs(graph, own.id), {"display_name": "v3", "version": 2}, format="json")
    third = viewer.patch(subs(graph, own.id), {"display_name": "v4", "version": 3}, format="json")
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)


def test_private_history_stays_members_only_after_going_public(api, shared_graph, cast):
    graph = shared_graph("private")
    secret = save_subgraph(graph, cast.editor, {"display_name": "secret draft"})
    api("editor").delete(subs(graph, secret.id))
    update_graph(graph, cast.owner, {"visibility": "public"})
    save_subgraph(graph, cast.editor, {"display_name": "public work"})
    anonymous = [(e["verb"], e["subject"]) for e in feed(api("anonymous"), graph)]
    assert anonymous == [("subgraph_saved", "public work"), ("visibility_changed", "public")]
    members = [(e["verb"], e["subject"]) for e in feed(api("viewer"), graph)]
    assert ("subgraph_deleted", "secret draft") in members
    assert ("subgraph_saved", "secret draft") in members


def test_visibility_and_title_changes_are_in_the_feed(api, shared_graph, cast):
    graph = shared_graph("unlisted")
    api("editor").patch(f"/api/graphs/{graph.id}/", {"title": "New title"}, format="json")
    api("owner").patch(f"/api/graphs/{graph.id}/", {"visibility": "public"}, format="json")
    verbs = [(e["verb"], e["actor"], e["subject"]) for e in feed(api("anonymous"), graph)]
    assert verbs[:2] == [
        ("visibility_changed", "alice", "public"),
        ("graph_edited", "eddie", "New title"),
    ]


def test_a_copy_gets_a_name_of_its_own_and_keeps_the_page_edits(api, shared_graph, cast):
    graph = shared_graph("public")
    original = SubgraphFactory(graph=graph, author=cast.editor, display_name="the loop")
    node = original.pinned_ids[0] if original.pinned_ids else None
    owner = api("owner")
    names = []
    for _ in range(2):
        body = {"pinned_ids": [node]} if node else {}
        copy = owner.post(f"{subs(graph, original.id)}duplicate/", body, format="json")
        assert copy.status_code == 201, copy.json()
        names.append(copy.json()["display_name"])
        assert copy.json()["author"] == "alice"
    assert names == ["the loop (alice's copy)", "the loop (alice's copy 2)"]
