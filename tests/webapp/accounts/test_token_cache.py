"""API tokens from the shared cache: a known token costs no query, and every change that could
make a cached token wrong holds from the next request, even against a reader that stores the
token it fetched just before the change (the tombstone)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.support.caches import BACKENDS, fresh_cache
from webapp.accounts import token_cache
from webapp.accounts.models import ApiToken, hash_token
from webapp.accounts.tokens import create_token, revoke_token, user_for_token

pytestmark = pytest.mark.django_db
WHO_AM_I = "/api/tokens/"


@pytest.fixture(autouse=True, params=list(BACKENDS))
def cache_backend(request, settings):
    settings.CACHES = fresh_cache(request.param)


def test_a_known_token_costs_no_query_after_the_first():
    user = UserFactory()
    _, plaintext = create_token(user, "ci")
    assert user_for_token(plaintext)[0] == user
    with CaptureQueriesContext(connection) as captured:
        found = user_for_token(plaintext)
    assert found[0] == user and len(captured.captured_queries) == 0


def test_unknown_tokens_are_not_cached():
    assert user_for_token("cs_" + "x" * 43) is None
    assert token_cache.lookup(hash_token("cs_" + "x" * 43)) == (None, True)


def test_revocation_beats_a_reader_that_stores_an_old_copy():
    user = UserFactory()
    token, plaintext = create_token(user, "ci")
    assert user_for_token(plaintext) is not None
    stale = ApiToken.objects.select_related("user").get(pk=token.pk)  # read before the revocation
    revoke_token(token)
    token_cache.store(hash_token(plaintext), stale)  # ...and stored after it
    assert user_for_token(plaintext) is None
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.get(WHO_AM_I).status_code == 401


@pytest.mark.parametrize("change", ["deactivate", "delete_user", "delete_token"])
def test_changes_of_the_user_or_the_token_hold_at_once(change):
    user = UserFactory()
    token, plaintext = create_token(user, "ci")
    assert user_for_token(plaintext) is not None
    if change == "deactivate":
        user.is_active = False
        user.save()
    elif change == "delete_user":
        user.delete()
    else:
        token.delete()
    assert user_for_token(plaintext) is None


def test_a_sign_in_keeps_the_cached_token():
    user = UserFactory()
    _, plaintext = create_token(user, "ci")
    user_for_token(plaintext)
    user.save(update_fields=["last_login"])
    with CaptureQueriesContext(connection) as captured:
        assert user_for_token(plaintext) is not None
    assert len(captured.captured_queries) == 0
