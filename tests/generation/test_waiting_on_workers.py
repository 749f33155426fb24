"""Requests that wait on a model's worker (tokenize, steer) hold no database connection while they
wait, and tokenizing is rate-limited per user."""

from __future__ import annotations

import pytest
import redis
from django.db import connection
from rest_framework.test import APIClient

from graphs.generation.services import dispatch
from tests.factories import UserFactory
from tests.support.workers import REDIS_URL, announce


@pytest.mark.django_db(transaction=True)
def test_the_database_connection_is_handed_back_while_waiting(settings, words_entry, monkeypatch):
    settings.GENERATION_EMBEDDED = False
    settings.REDIS_URL = settings.CELERY_BROKER_URL = REDIS_URL
    settings.GENERATION_TOKENIZE_TIMEOUT_S = 1
    announce("cpu.words", ["words"])  # announced, but nobody takes from the queue: a busy worker
    held_while_waiting = []
    blpop = redis.Redis.blpop

    def watching_blpop(self, *args, **kwargs):
        held_while_waiting.append(connection.connection is not None)
        return blpop(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "blpop", watching_blpop)
    client = APIClient()
    client.force_authenticate(UserFactory())
    try:
        response = client.post("/api/models/words/tokenize/", {"prompt": "the cat"}, format="json")
    finally:
        store = redis.Redis.from_url(REDIS_URL)
        store.delete("cpu.words", *store.scan_iter(match="_kombu.binding*.cpu.words"))
        store.close()
    assert response.status_code == 503 and "answered within 1 s" in response.json()["detail"]
    assert held_while_waiting == [False]


@pytest.mark.django_db
def test_tokenizing_is_rate_limited_per_user(settings, words_entry, monkeypatch):
    settings.TOKENIZE_PER_MINUTE = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(dispatch, "tokenize", lambda entry, prompt: {"tokens": []})
    client = APIClient()
    client.force_authenticate(UserFactory())
    codes = [
        client.post("/api/models/words/tokenize/", {"prompt": "the cat"}, format="json")
        for _ in range(3)
    ]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert int(codes[-1]["Retry-After"]) > 0
