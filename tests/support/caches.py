"""A default cache of its own for one test, so that no answer, token or count cached by one test
is seen by the next: a fresh in-process cache, or the test Redis (the production kind of cache)
under a key prefix of its own."""

from __future__ import annotations

import uuid

from tests.services import redis_url

BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
}


def fresh_cache(backend: str) -> dict[str, dict[str, str]]:
    """A CACHES setting whose default cache is new: `backend` is one of BACKENDS."""
    return {
        "default": {
            "BACKEND": BACKENDS[backend],
            "LOCATION": redis_url(13) if backend == "redis" else uuid.uuid4().hex,
            "KEY_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        }
    }
