"""/ws/graphs/{id}/: live activity of one graph for everyone who may see it.

Anyone who can see the graph may subscribe (anonymous visitors of a public or unlisted graph
too); a private graph's socket refuses everyone else before the handshake completes. When access
changes (a collaborator removed, the visibility changed, the graph deleted) every socket of the
graph checks its user again and closes with 4403 when access is gone, so a removed collaborator
stops hearing about the graph at once; a socket whose user's role changed (a viewer made editor)
is told `{"type": "access", "role": ...}`, so the page offers what the new role allows without a
reload. Members-only entries (about collaborators, from a private period, moderated) go to
members only.
"""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from graphs import permissions
from graphs.collab.events import group_name
from graphs.collab.models import MEMBER_ONLY
from graphs.generation import events
from graphs.models import Graph
from webapp.accounts.ws_auth import ClosesOnTokenRevocation
from webapp.channel_outages import ClosesWhenLayerIsDown
from webapp.ws_close_codes import REFUSED


@database_sync_to_async
def _access(graph_id: str, user) -> tuple[bool, str | None]:
    """(may see the graph, role: 'owner', 'editor', 'viewer' or None for a non-member)."""
    graph = Graph.objects.filter(pk=graph_id).first()
    if graph is None or user is None:
        return False, None
    if not permissions.can_view_graph(user, graph):
        return False, None
    return True, permissions.role_of(user, graph)


class GraphActivityConsumer(
    ClosesOnTokenRevocation, ClosesWhenLayerIsDown, AsyncJsonWebsocketConsumer
):
    async def connect(self) -> None:
        self.graph_id = self.scope["url_route"]["kwargs"]["graph_id"]
        self.group = None
        visible, self.role = await _access(self.graph_id, self.scope.get("user"))
        if not visible:
            await self.close(code=REFUSED)
            return
        events.register_server_loop(asyncio.get_running_loop())
        self.group = group_name(self.graph_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(
            {"type": "hello", "graph": self.graph_id, "member": self.member, "role": self.role}
        )

    @property
    def member(self) -> bool:
        return self.role is not None

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def receive_json(self, content, **kwargs) -> None:
        """Clients only listen; anything they send is ignored."""

    async def graph_activity(self, event: dict) -> None:
        if event.get("access_changed") and not await self._still_allowed():
            return
        members_only = event.get("members_only") or event["activity"]["verb"] in MEMBER_ONLY
        if members_only and not self.member:
            return
        await self.send_json({"type": "activity", "activity": event["activity"]})

    async def graph_access(self, event: dict) -> None:
        await self._still_allowed()

    async def _still_allowed(self) -> bool:
        previous = self.role
        visible, self.role = await _access(self.graph_id, self.scope.get("user"))
        if not visible:
            await self.disconnect(REFUSED)
            await self.close(code=REFUSED)
        elif self.role != previous:
            await self.send_json({"type": "access", "role": self.role})
        return visible
