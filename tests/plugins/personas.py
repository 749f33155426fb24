"""Persona fixtures, shared by every test package (registered in tests/conftest.py).

- `cast`: the graph domain's personas (tests/support/personas.py): owner alice, editor eddie,
  viewer vera, outsider mallory and staff stan; `shared_graph`, `api` and `client_as` act as them.
- `owner`, `outsider` and their `owner_api` / `outsider_api`: the two users of the generation
  tests (a package's conftest may define its own `owner` or `outsider`, which then wins there).
- `personas`: the owner, a collaborator and an outsider of the browser tests.
- `isolated_media` (not autouse: a package's conftest opts in): graph bodies in a per-test
  directory and a fast password hasher; `media_root` is that directory.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from graphs.models import Graph
from tests.factories import GraphFactory, UserFactory
from tests.support.personas import Cast


@pytest.fixture
def isolated_media(settings, tmp_path) -> None:
    # Graph bodies of each test land in their own directory, never in var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Personas are made by the dozen; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


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


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def owner_api(owner) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def outsider_api(outsider) -> APIClient:
    client = APIClient()
    client.force_authenticate(outsider)
    return client


@pytest.fixture
def personas(db) -> dict:
    return {
        "owner": UserFactory(username="owner"),
        "collaborator": UserFactory(username="collab"),
        "outsider": UserFactory(username="outsider"),
    }
