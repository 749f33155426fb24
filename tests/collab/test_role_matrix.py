"""The role matrix of issue 9: persona x action x visibility, every cell asserted.

Personas: the owner, an editor, a viewer, an outsider, an anonymous visitor. Each cell says
whether the action is allowed; a refused action must also leave the database as it was. A graph
its requester may not see answers 404 (its existence does not leak), a visible one 403, an
anonymous write 401/403 (DRF's choice depends on the authenticators).
"""

from __future__ import annotations

import pytest

from graphs.collab.models import Collaborator
from graphs.models import Graph, Subgraph
from tests.factories import SubgraphFactory, UserFactory
from tests.support.personas import ANONYMOUS_REFUSED, PERSONAS, VISIBILITIES

pytestmark = pytest.mark.django_db

SEES_EVERYTHING = {"owner", "editor", "viewer"}
ACTIONS = [
    "view graph",
    "view subgraph",
    "save subgraph",
    "overwrite another's subgraph",
    "edit title",
    "manage collaborators",
    "change visibility",
    "delete",
]


def allowed(action: str, persona: str, visibility: str) -> bool:
    """The rules of ARCHITECTURE.md, written out independently of graphs.permissions."""
    sees = persona in SEES_EVERYTHING or visibility != "private"
    return {
        "view graph": sees,
        "view subgraph": sees,
        "save subgraph": sees and persona != "anonymous",
        "overwrite another's subgraph": False,
        "edit title": persona in ("owner", "editor"),
        "manage collaborators": persona == "owner",
        "change visibility": persona == "owner",
        "delete": persona == "owner",
    }[action]


def refusal(persona: str, visibility: str, *, read: bool) -> tuple[int, ...]:
    if visibility == "private" and persona not in SEES_EVERYTHING:
        return (404,) if read or persona != "anonymous" else (404, *ANONYMOUS_REFUSED)
    return (404,) if read else (ANONYMOUS_REFUSED if persona == "anonymous" else (403,))


def state(graph: Graph) -> tuple:
    """Everything a refused action must leave untouched."""
    graph.refresh_from_db()
    subgraphs = sorted(
        Subgraph.objects.filter(graph=graph).values_list("id", "display_name", "version")
    )
    collaborators = sorted(Collaborator.objects.filter(graph=graph).values_list("user_id", "role"))
    return graph.title, graph.visibility, subgraphs, collaborators


def perform(action: str, client, graph: Graph, cast) -> int:
    base = f"/api/graphs/{graph.id}/"
    if action == "view graph":
        return client.get(base).status_code
    if action == "view subgraph":
        subgraph = SubgraphFactory(graph=graph, author=cast.editor, display_name="eddie's view")
        return client.get(f"{base}subgraphs/{subgraph.id}/").status_code
    if action == "save subgraph":
        return client.post(f"{base}subgraphs/", {"display_name": "mine"}, format="json").status_code
    if action == "overwrite another's subgraph":
        # Someone else's: the editor's for the owner, the owner's for everyone else.
        author = cast.editor if client.persona == "owner" else cast.owner
        subgraph = SubgraphFactory(graph=graph, author=author, display_name="theirs")
        body = {"display_name": "overwritten", "version": subgraph.version}
        return client.put(f"{base}subgraphs/{subgraph.id}/", body, format="json").status_code
    if action == "edit title":
        return client.patch(base, {"title": "New title"}, format="json").status_code
    if action == "manage collaborators":
        UserFactory(username="newcomer")
        body = {"user": "newcomer", "role": "editor"}
        return client.post(f"{base}collaborators/", body, format="json").status_code
    if action == "change visibility":
        other = "public" if graph.visibility != "public" else "private"
        return client.patch(base, {"visibility": other}, format="json").status_code
    if action == "delete":
        return client.delete(base).status_code
    raise AssertionError(action)


SUCCESS = {
    "view graph": 200,
    "view subgraph": 200,
    "save subgraph": 201,
    "edit title": 200,
    "manage collaborators": 201,
    "change visibility": 200,
    "delete": 204,
}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ACTIONS)
def test_role_matrix(api, shared_graph, cast, action, persona, visibility):
    graph = shared_graph(visibility)
    client = api(persona)
    client.persona = persona
    read = action.startswith("view")
    # Those two actions store the subgraph they target, so the state is compared by hand.
    targets_own_subgraph = action in ("view subgraph", "overwrite another's subgraph")
    before = None if targets_own_subgraph else state(graph)
    status = perform(action, client, graph, cast)
    if allowed(action, persona, visibility):
        assert status == SUCCESS[action], (action, persona, visibility, status)
        return
    assert status in refusal(persona, visibility, read=read), (action, persona, visibility, status)
    if before is not None:
        assert state(graph) == before
    if action == "overwrite another's subgraph":
        assert not Subgraph.objects.filter(display_name="overwritten").exists()
