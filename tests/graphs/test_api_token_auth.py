"""Uploading with a personal API token (`Authorization: Bearer ...`), as scripts do."""

from __future__ import annotations

import gzip

import pytest
from rest_framework.test import APIClient

from graphs.models import Graph
from tests.support.paths import FIXTURES
from tests.support.storage import stored_bodies
from webapp.accounts.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db


def test_it_uploads_and_fetches_with_a_bearer_token(cast):
    _token, plaintext = create_token(cast.owner, "script")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    raw = gzip.compress((FIXTURES / "tiny.json").read_bytes())
    response = client.post(
        "/api/graphs/", raw, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert response.status_code == 201
    graph = Graph.objects.get(pk=response.json()["id"])
    assert graph.owner == cast.owner and graph.visibility == "private"
    assert client.get(f"/api/graphs/{graph.id}/data/").status_code == 200


def test_it_refuses_a_revoked_token_and_stores_nothing(cast, media_root):
    token, plaintext = create_token(cast.owner, "script")
    revoke_token(token)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    response = client.post(
        "/api/graphs/", (FIXTURES / "tiny.json").read_bytes(), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Graph.objects.exists() and stored_bodies(media_root) == []
