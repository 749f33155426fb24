"""Connection options of our Redis clients (channel layer, cache), in one place for the settings
and the tests that point these clients elsewhere."""

from __future__ import annotations

from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError


def channel_layer_host(url: str) -> dict[str, Any]:
    return {
        "address": url,
        # redis-py 8 drops an idle socket after 5 s by default; channels_redis blocks longer.
        "socket_timeout": 30,
        # A pooled connection that Redis dropped (a restart) is retried once on a fresh
        # connection, instead of failing the first websocket or event after Redis is back.
        "retry_on_error": [RedisConnectionError],
    }


CACHE_OPTIONS: dict[str, Any] = {"retry_on_error": [RedisConnectionError]}
