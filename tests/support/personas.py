"""The personas of the permission tests (ARCHITECTURE.md): the owner of a graph, collaborators with
role editor and viewer, an outsider who should have no access to the owner's private things, and an
anonymous visitor. The fixtures that create them are in tests/plugins/personas.py."""

from __future__ import annotations

from dataclasses import dataclass

from graphs.collab.models import Role
from graphs.models import Graph, Visibility
from tests.factories import CollaboratorFactory

VISIBILITIES = [Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC]
PERSONAS = ["owner", "editor", "viewer", "outsider", "anonymous"]
# DRF answers an anonymous write 401 when an authenticator names a scheme (Bearer), else 403.
ANONYMOUS_REFUSED = (401, 403)


@dataclass
class Cast:
    owner: object
    editor: object
    viewer: object
    outsider: object
    staff: object

    def user(self, persona: str):
        return None if persona == "anonymous" else getattr(self, persona)

    def share(self, graph: Graph) -> Graph:
        CollaboratorFactory(graph=graph, user=self.editor, role=Role.EDITOR)
        CollaboratorFactory(graph=graph, user=self.viewer, role=Role.VIEWER)
        return graph
