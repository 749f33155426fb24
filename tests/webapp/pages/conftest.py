"""Personas of the page tests: owner, collaborator (viewer), outsider, anonymous."""

from __future__ import annotations

import pytest
from django.test import Client

from graphs.collab.models import Role
from tests.factories import CollaboratorFactory, GraphFactory, UserFactory


@pytest.fixture
def owner(db):
    return UserFactory(username="alice")


@pytest.fixture
def collaborator(db):
    return UserFactory(username="bob")


@pytest.fixture
def outsider(db):
    return UserFactory(username="mallory")


@pytest.fixture
def make_graph(owner, collaborator):
    def make(visibility: str, **kwargs):
        graph = GraphFactory(owner=owner, visibility=visibility, **kwargs)
        CollaboratorFactory(graph=graph, user=collaborator, role=Role.VIEWER)
        return graph

    return make


@pytest.fixture
def as_user():
    def login(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return login
