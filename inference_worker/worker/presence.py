"""Worker presence: every GENERATION_PRESENCE_S seconds a Celery worker announces the queues it
consumes and, for each model of those queues, whether its weights are on this machine. The key
expires after three missed beats, so a stopped or killed worker disappears by itself. The web
tier reads these announcements (graphs/generation/availability.py) to offer only the models that
can run."""

from __future__ import annotations

import logging
import threading

import redis

from graphs.generation import conf
from graphs.generation.availability import PRESENCE_PREFIX, presence_payload
from graphs.generation.registry import all_entries

log = logging.getLogger(__name__)


def readiness(queues: list[str]) -> dict[str, str | None]:
    """Per model id of these queues: why this worker cannot run it, or None."""
    from inference_worker.engine.weights import missing_weights

    return {
        entry.id: missing_weights(entry.model, entry.transcoders)
        for entry in all_entries()
        if entry.queue in queues
    }


def beat(client: redis.Redis, name: str, queues: list[str]) -> None:
    interval = conf.get("GENERATION_PRESENCE_S")
    payload = presence_payload(queues, readiness(queues))
    client.set(PRESENCE_PREFIX + name, payload, ex=3 * interval)


def withdraw(name: str) -> None:
    """Remove the announcement at once (a clean shutdown), rather than waiting for it to expire."""
    client = redis.Redis.from_url(conf.redis_url() or conf.broker_url(), socket_timeout=5)
    try:
        client.delete(PRESENCE_PREFIX + name)
    finally:
        client.close()


def _loop(name: str, queues: list[str], stop: threading.Event) -> None:
    interval = conf.get("GENERATION_PRESENCE_S")
    client = redis.Redis.from_url(conf.redis_url() or conf.broker_url(), socket_timeout=5)
    try:
        while True:
            try:
                beat(client, name, queues)
            except redis.RedisError as exc:
                # Redis restarting: the next beat announces the worker again.
                log.warning("worker presence not announced: %s", exc)
            if stop.wait(interval):
                return
    finally:
        client.close()


def start(name: str, queues: list[str], stop: threading.Event | None = None) -> threading.Event:
    """Announce this worker from a daemon thread; set the returned event to stop."""
    stop = stop or threading.Event()
    threading.Thread(target=_loop, args=(name, queues, stop), name="presence", daemon=True).start()
    return stop
