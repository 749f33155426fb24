"""/ws/graphs/{id}/: live activity for everyone who may see the graph, and revocation.

Events are sent on commit by the services; these tests use real transactions
(transaction=True) so on_commit fires as it does in production.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from graphs.collab.models import Role
from graphs.collab.services import remove_collaborator, set_collaborator
from graphs.services import curate_subgraph, save_subgraph, update_graph, update_subgraph
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory
from tests.support import websockets

pytestmark = pytest.mark.django_db(transaction=True)


async def graph_socket(graph_id: str, user=None) -> WebsocketCommunicator:
    return await websockets.socket(f"/ws/graphs/{graph_id}/", user)


@sync_to_async
def setup(visibility: str = "private"):
    owner, editor, outsider = (
        UserFactory(username="wsowner"),
        UserFactory(username="wseditor"),
        UserFactory(username="wsoutsider"),
    )
    graph = GraphFactory(owner=owner, visibility=visibility)
    CollaboratorFactory(graph=graph, user=editor, role=Role.EDITOR)
    return graph, owner, editor, outsider


async def connected(graph_id: str, user=None) -> WebsocketCommunicator:
    socket = await graph_socket(graph_id, user)
    ok, _ = await socket.connect()
    assert ok
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return socket


async def test_members_hear_saves_renames_and_collaborator_changes():
    graph, owner, editor, _ = await setup()
    socket = await connected(graph.id, owner)
    sub = await sync_to_async(save_subgraph)(graph, editor, {"display_name": "<b>loop</b>"})
    event = (await socket.receive_json_from(timeout=5))["activity"]
    assert (event["verb"], event["actor"], event["subject"]) == (
        "subgraph_saved",
        "wseditor",
        "<b>loop</b>",
    )
    assert event["subgraph_id"] == sub.id
    await sync_to_async(update_subgraph)(sub, editor, {"display_name": "loop 2"}, sub.version)
    event = (await socket.receive_json_from(timeout=5))["activity"]
    assert (event["verb"], event["subject"]) == ("subgraph_renamed", "loop 2")
    newcomer = await sync_to_async(UserFactory)(username="newcomer")
    await sync_to_async(set_collaborator)(graph, owner, newcomer, "viewer")
    event = (await socket.receive_json_from(timeout=5))["activity"]
    assert (event["verb"], event["subject"], event["detail"]) == (
        "collaborator_added",
        "newcomer",
        "as viewer",
    )
    await socket.disconnect()


async def test_removing_a_collaborator_closes_their_socket_at_once():
    graph, owner, editor, _ = await setup()
    editors = await connected(graph.id, editor)
    owners = await connected(graph.id, owner)
    await sync_to_async(remove_collaborator)(graph, owner, editor)
    closed = await editors.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4403}
    # The owner stays subscribed and hears of the removal.
    event = (await owners.receive_json_from(timeout=5))["activity"]
    assert (event["verb"], event["subject"]) == ("collaborator_removed", "wseditor")
    # Reconnecting is refused too.
    again = await graph_socket(graph.id, editor)
    ok, code = await again.connect()
    assert not ok and code == 4403
    await owners.disconnect()


async def test_making_a_graph_private_closes_outsiders_sockets():
    graph, owner, _, outsider = await setup("public")
    watcher = await connected(graph.id, outsider)
    await sync_to_async(update_graph)(graph, owner, {"visibility": "private"})
    assert (await watcher.receive_output(timeout=5))["code"] == 4403


async def test_outsiders_and_anonymous_are_refused_on_a_private_graph():
    graph, _, _, outsider = await setup()
    for user in (outsider, None):
        socket = await graph_socket(graph.id, user)
        ok, code = await socket.connect()
        assert not ok and code == 4403


async def test_non_members_of_a_public_graph_hear_subgraphs_but_not_collaborators():
    graph, owner, _editor, outsider = await setup("public")
    anonymous = await connected(graph.id)
    newcomer = await sync_to_async(UserFactory)(username="newcomer2")
    await sync_to_async(set_collaborator)(graph, owner, newcomer, "viewer")
    await sync_to_async(save_subgraph)(graph, outsider, {"display_name": "outside view"})
    event = (await anonymous.receive_json_from(timeout=5))["activity"]
    assert (event["verb"], event["actor"]) == ("subgraph_saved", "wsoutsider")
    assert await anonymous.receive_nothing(timeout=0.3)
    await anonymous.disconnect()


async def test_a_rolled_back_save_announces_nothing():
    graph, owner, editor, _ = await setup()
    socket = await connected(graph.id, owner)

    @sync_to_async
    def failing_save():
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            save_subgraph(graph, editor, {"display_name": "doomed"})
            raise RuntimeError("rollback")

    await failing_save()
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_promoted_viewer_is_told_their_new_role_and_hears_featuring():
    graph, owner, editor, _ = await setup("public")
    viewer = await sync_to_async(UserFactory)(username="wsviewer")
    await sync_to_async(set_collaborator)(graph, owner, viewer, "viewer")
    socket = await connected(graph.id, viewer)
    await sync_to_async(set_collaborator)(graph, owner, viewer, "editor")
    assert await socket.receive_json_from(timeout=5) == {"type": "access", "role": "editor"}
    event = (await socket.receive_json_from(timeout=5))["activity"]
    assert event["verb"] == "collaborator_changed"
    sub = await sync_to_async(save_subgraph)(graph, editor, {"display_name": "loop"})
    await socket.receive_json_from(timeout=5)  # saved
    await sync_to_async(curate_subgraph)(sub, owner, featured=True)
    event = (await socket.receive_json_from(timeout=5))["activity"]
    assert (event["verb"], event["subject"]) == ("subgraph_featured", "loop")
    await socket.disconnect()


async def test_visibility_changes_reach_open_pages_and_private_work_stays_with_members():
    graph, owner, editor, _outsider = await setup("public")
    anonymous = await connected(graph.id)
    members = await connected(graph.id, editor)
    await sync_to_async(update_graph)(graph, owner, {"visibility": "unlisted"})
    for socket in (anonymous, members):
        event = (await socket.receive_json_from(timeout=5))["activity"]
        assert (event["verb"], event["subject"]) == ("visibility_changed", "unlisted")
    await sync_to_async(update_graph)(graph, owner, {"visibility": "private"})
    assert (await anonymous.receive_output(timeout=5))["code"] == 4403
    event = (await members.receive_json_from(timeout=5))["activity"]
    assert event["verb"] == "visibility_changed"
    await members.disconnect()
