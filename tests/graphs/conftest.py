"""Fixtures of the graph-domain tests: personas, an isolated media directory, API clients.

Personas (ARCHITECTURE.md): the owner of a graph, collaborators with role editor and viewer, an
outsider who should have no access to the owner's private things, and an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from graphs.collab.models import Role
from graphs.models import Graph, Visibility
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "graphs"
VISIBILITIES = [Visibility.PRIVATE, Visibility.UNLISTED, Visibility.PUBLIC]
PERSONAS = ["owner", "editor", "viewer", "outsider", "anonymous"]
# DRF answers an anonymous write 401 when an authenticator names a scheme (Bearer), else 403.
ANONYMOUS_REFUSED = (401, 403)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    # Graph bodies of each test land in their own directory, never in var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Personas are made by the dozen; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def stored_bodies(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*.json.gz")]


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


@pytest.fixture
def cast(db) -> Cast:
    return Cast(
        owner=UserFactory(username="alice"),
        editor=UserFactory(username="eddie"),
        viewer=UserFactory(username="vera"),
        outsider=UserFactory(username="mallory"),
        staff=UserFactory(username="stan", is_staff=True),
    )


@pytest.fixture
def shared_graph(cast) -> Callable[[str], Graph]:
    """A graph of the owner's with the given visibility, shared with the editor and the viewer."""

    def make(visibility: str) -> Graph:
        return cast.share(GraphFactory(owner=cast.owner, visibility=visibility))

    return make


@pytest.fixture
def api(cast) -> Callable[[str], APIClient]:
    """An API client acting as the named persona."""

    def make(persona: str) -> APIClient:
        client = APIClient()
        user = cast.user(persona)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def client_as() -> Callable[[object], APIClient]:
    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
