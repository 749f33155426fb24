"""Requests of the security tests through Django's test client, and their outcome as the endpoint
table (tests/security/endpoints.py) states rules: a status code, or LOGIN for a redirect to the
sign-in page."""

from __future__ import annotations

from django.test import Client

from tests.security.endpoints import LOGIN, Call


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, method: str, call: Call):
    kwargs = {}
    if call.data is not None:
        if call.json:
            kwargs = {"data": call.data, "content_type": "application/json"}
        else:
            kwargs = {"data": call.data}
    return getattr(client, method.lower())(call.path, **kwargs)


def outcome(response) -> int | str:
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/"):
        return LOGIN
    return response.status_code
