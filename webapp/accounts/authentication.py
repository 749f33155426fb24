"""REST authentication by personal API token: `Authorization: Bearer <token>`.

Every request looks the token up again (in the shared cache, then the database:
webapp/accounts/token_cache.py), so a revocation takes effect on the very next request.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from webapp.accounts.tokens import user_for_token


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # another scheme (or none): let the next authenticator try
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Authorization header must be 'Bearer <token>' with one token and no spaces"
            )
        try:
            plaintext = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("the API token has invalid characters") from None
        found = user_for_token(plaintext)
        if found is None:
            raise exceptions.AuthenticationFailed("invalid or revoked API token")
        return found

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 to unauthenticated calls.
        return self.keyword
