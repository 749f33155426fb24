"""API tokens are managed with a session only: a token can neither mint a token that outlives its
own revocation, nor list or revoke its owner's other tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import create_token

pytestmark = pytest.mark.django_db


def bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_a_token_cannot_create_list_or_revoke_tokens():
    owner = UserFactory()
    _, plaintext = create_token(owner, "ci")
    other, _ = create_token(owner, "laptop")
    client = Client()
    created = client.post(
        "/api/tokens/", {"name": "successor"}, content_type="application/json", **bearer(plaintext)
    )
    assert created.status_code == 403
    assert "manage them signed in" in created.json()["detail"]
    assert ApiToken.objects.filter(user=owner).count() == 2
    assert client.get("/api/tokens/", **bearer(plaintext)).status_code == 403
    assert client.get(f"/api/tokens/{other.pk}/", **bearer(plaintext)).status_code == 403
    assert client.delete(f"/api/tokens/{other.pk}/", **bearer(plaintext)).status_code == 403
    other.refresh_from_db()
    assert other.revoked_at is None
    # The token still works for everything else.
    assert client.get("/api/graphs/?scope=mine", **bearer(plaintext)).status_code == 200


def test_the_session_still_manages_tokens():
    owner = UserFactory()
    client = Client()
    client.force_login(owner)
    created = client.post("/api/tokens/", {"name": "ci"}, content_type="application/json")
    assert created.status_code == 201
    assert client.get("/api/tokens/").json()["count"] == 1
