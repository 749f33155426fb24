"""Under ASGI a request crosses from the event loop to a worker thread a few times, not twice
per middleware method (webapp/sync_middleware.py)."""

from __future__ import annotations

import pytest
from asgiref import sync
from django.test import AsyncClient

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hops(monkeypatch) -> list[object]:
    seen: list[object] = []
    original = sync.SyncToAsync.__call__

    async def counting(self, *args, **kwargs):
        seen.append(self.func)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counting)
    return seen


async def test_it_runs_the_middleware_chain_in_one_hop(hops):
    response = await AsyncClient().get("/healthz/")
    assert response.status_code == 200
    # Measured: 5 hops (request_started, the chain, CSRF's process_view, the view, close) with
    # the synchronous chain; 15 with Django's default async chain of sync middlewares.
    assert len(hops) <= 6, [getattr(f, "__qualname__", f) for f in hops]


def test_it_keeps_the_sync_only_marker_innermost(settings):
    assert settings.MIDDLEWARE[-1] == "webapp.sync_middleware.SynchronousChain"
