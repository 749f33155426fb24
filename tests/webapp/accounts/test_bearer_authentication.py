"""`Authorization: Bearer <token>` authenticates the REST API; nothing else it does not."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from webapp.accounts.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db

WHO_AM_I = "/api/generations/"  # any endpoint that needs an authenticated user


def bearer(value: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=value)
    return client


def test_it_authenticates_a_valid_token():
    user = UserFactory()
    _, plaintext = create_token(user, "ci")
    response = bearer(f"Bearer {plaintext}").get(WHO_AM_I)
    assert response.status_code == 200
    assert response.json()["results"] == []  # the user's own jobs: none yet


def test_anonymous_gets_401_with_a_bearer_challenge():
    response = APIClient().get(WHO_AM_I)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header",
    ["Bearer cs_not-a-real-token", "Bearer", "Bearer two parts", "bearer cs_" + "A" * 43],
)
def test_it_refuses_malformed_or_unknown_tokens(header):
    UserFactory()
    response = bearer(header).get(WHO_AM_I)
    assert response.status_code == 401


def test_revocation_takes_effect_on_the_next_request():
    user = UserFactory()
    token, plaintext = create_token(user, "ci")
    client = bearer(f"Bearer {plaintext}")
    assert client.get(WHO_AM_I).status_code == 200
    revoke_token(token)
    response = client.get(WHO_AM_I)
    assert response.status_code == 401
    assert "invalid or revoked" in response.json()["detail"]


def test_a_disabled_users_token_stops_working():
    user = UserFactory()
    _, plaintext = create_token(user, "ci")
    user.is_active = False
    user.save()
    assert bearer(f"Bearer {plaintext}").get(WHO_AM_I).status_code == 401


def test_token_requests_need_no_csrf_token():
    user = UserFactory()
    _, plaintext = create_token(user, "ci")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    # Refused for its (empty) body, not for a missing CSRF token (403).
    assert client.post(WHO_AM_I, {}, format="json").status_code == 400
